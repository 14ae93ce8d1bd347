#!/bin/bash

__lcplan_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__lcplan_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__lcplan_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__lcplan_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_lcplan() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __lcplan_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    plan|check|rope|presets|import-hf|explain|schema|emit|diff|sweep|validate|calibrate|init|help)
        # Offer subcommand argument completions
        "_lcplan_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'plan check rope presets import-hf explain schema emit diff sweep validate calibrate init help' -- "${cur}"))
        ;;
    esac
}

_lcplan_plan() {
    repeating_flags=()
    non_repeating_flags=(--timing --validate --brief --version -h --help)
    repeating_options=(--presets --set)
    non_repeating_options=(--format --output -o --fail-on --plot --color --model --device --context --count)
    __lcplan_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __lcplan_add_completions -W 'text'$'\n''json'$'\n''markdown'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--fail-on')
        __lcplan_add_completions -W 'note'$'\n''warning'$'\n''error'
        return
        ;;
    '--plot')
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--set')
        return
        ;;
    '--model')
        return
        ;;
    '--device')
        return
        ;;
    '--context')
        return
        ;;
    '--count')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    esac
}

_lcplan_check() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--presets --set)
    non_repeating_options=(--format --fail-on --output -o --color --model --device --context --count)
    __lcplan_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __lcplan_add_completions -W 'text'$'\n''json'$'\n''sarif'$'\n''github'$'\n''gitlab'$'\n''markdown'
        return
        ;;
    '--fail-on')
        __lcplan_add_completions -W 'note'$'\n''warning'$'\n''error'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--set')
        return
        ;;
    '--model')
        return
        ;;
    '--device')
        return
        ;;
    '--context')
        return
        ;;
    '--count')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    esac
}

_lcplan_rope() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--presets)
    non_repeating_options=(--model --theta --rotary-dim --layers --context --phase-dtype --position-dtype --eps --digits --men-limit --format --color)
    __lcplan_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--model')
        __lcplan_add_completions -W 'llama-2-7b'$'\n''llama-2-70b'$'\n''llama-3-8b'$'\n''llama-3.1-8b'$'\n''llama-3.1-70b'$'\n''llama-3.3-70b'$'\n''llama-3.1-405b'$'\n''llama-3.2-3b'$'\n''mistral-7b-v0.1'$'\n''mistral-7b-v0.2'$'\n''mixtral-8x7b'$'\n''qwen2.5-7b'$'\n''qwen2.5-7b-1m'$'\n''qwen3-8b'$'\n''qwen3-30b-a3b'$'\n''qwen3-235b-a22b'$'\n''deepseek-v3'$'\n''yi-6b-200k'$'\n''phi-3-mini-128k'$'\n''gemma-2-9b'$'\n''gemma-3-27b'$'\n''mamba-2.8b'$'\n''jamba-v0.1'
        return
        ;;
    '--theta')
        return
        ;;
    '--rotary-dim')
        return
        ;;
    '--layers')
        return
        ;;
    '--context')
        return
        ;;
    '--phase-dtype')
        __lcplan_add_completions -W 'fp64'$'\n''fp32'$'\n''tf32'$'\n''bf16'$'\n''fp16'$'\n''fp8'$'\n''fp8_e4m3'$'\n''fp8_e5m2'$'\n''int8'$'\n''int4'$'\n''int2'$'\n''fp4'
        return
        ;;
    '--position-dtype')
        __lcplan_add_completions -W 'fp64'$'\n''fp32'$'\n''tf32'$'\n''bf16'$'\n''fp16'$'\n''fp8'$'\n''fp8_e4m3'$'\n''fp8_e5m2'$'\n''int8'$'\n''int4'$'\n''int2'$'\n''fp4'
        return
        ;;
    '--eps')
        return
        ;;
    '--digits')
        return
        ;;
    '--men-limit')
        return
        ;;
    '--format')
        __lcplan_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    esac
}

_lcplan_presets() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--presets)
    non_repeating_options=(--format --color)
    __lcplan_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--format')
        __lcplan_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac
}

_lcplan_import-hf() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--output -o --color)
    __lcplan_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac
}

_lcplan_explain() {
    repeating_flags=()
    non_repeating_flags=(--markdown --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __lcplan_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -W 'LC100'$'\n''LC101'$'\n''LC102'$'\n''LC103'$'\n''LC104'$'\n''LC105'$'\n''LC106'$'\n''LC107'$'\n''LC108'$'\n''LC109'$'\n''LC110'$'\n''LC111'$'\n''LC112'$'\n''LC113'$'\n''LC114'$'\n''LC115'$'\n''LC116'$'\n''LC117'$'\n''LC118'$'\n''LC119'$'\n''LC201'$'\n''LC202'$'\n''LC203'$'\n''LC210'$'\n''LC211'$'\n''LC212'$'\n''LC301'$'\n''LC302'$'\n''LC303'$'\n''LC304'$'\n''LC305'$'\n''LC306'$'\n''LC307'$'\n''LC308'$'\n''LC310'$'\n''LC401'$'\n''LC402'$'\n''LC403'$'\n''LC404'$'\n''LC405'$'\n''LC410'$'\n''LC501'$'\n''LC502'$'\n''LC503'$'\n''LC504'$'\n''LC505'$'\n''LC510'$'\n''LC601'$'\n''LC602'$'\n''LC603'$'\n''LC610'$'\n''LC611'$'\n''LC612'$'\n''LC613'
        return
        ;;
    esac
}

_lcplan_schema() {
    repeating_flags=()
    non_repeating_flags=(--strict --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __lcplan_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -W 'spec'$'\n''report'$'\n''check'$'\n''rope'$'\n''presets'$'\n''diff'$'\n''sweep'$'\n''validation'
        return
        ;;
    esac
}

_lcplan_emit() {
    repeating_flags=()
    non_repeating_flags=(--aggregated --version -h --help)
    repeating_options=(--presets --set)
    non_repeating_options=(--engine --output -o --kv-connector --color --model --device --context --count)
    __lcplan_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--engine')
        __lcplan_add_completions -W 'vllm'$'\n''sglang'$'\n''trtllm'$'\n''megatron'$'\n''torchtitan'$'\n''deepspeed'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--kv-connector')
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--set')
        return
        ;;
    '--model')
        return
        ;;
    '--device')
        return
        ;;
    '--context')
        return
        ;;
    '--count')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    esac
}

_lcplan_diff() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--presets)
    non_repeating_options=(--format --output -o --fail-on --color)
    __lcplan_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--format')
        __lcplan_add_completions -W 'text'$'\n''json'$'\n''markdown'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--fail-on')
        __lcplan_add_completions -W 'note'$'\n''warning'$'\n''error'
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    2)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    esac
}

_lcplan_sweep() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--presets)
    non_repeating_options=(--context --set --factor --step --format --plot --output -o --color)
    __lcplan_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--context')
        return
        ;;
    '--set')
        return
        ;;
    '--factor')
        return
        ;;
    '--step')
        return
        ;;
    '--format')
        __lcplan_add_completions -W 'text'$'\n''csv'$'\n''json'
        return
        ;;
    '--plot')
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    esac
}

_lcplan_validate() {
    repeating_flags=()
    non_repeating_flags=(--quiet --version -h --help)
    repeating_options=(--presets --set)
    non_repeating_options=(--format --threads --color --model --device --context --count)
    __lcplan_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __lcplan_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--threads')
        return
        ;;
    '--presets')
        return
        ;;
    '--color')
        __lcplan_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    '--set')
        return
        ;;
    '--model')
        return
        ;;
    '--device')
        return
        ;;
    '--context')
        return
        ;;
    '--count')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __lcplan_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    esac
}

_lcplan_calibrate() {
    repeating_flags=()
    non_repeating_flags=(--quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--output -o --runs --size)
    __lcplan_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        return
        ;;
    '--runs')
        return
        ;;
    '--size')
        return
        ;;
    esac
}

_lcplan_init() {
    repeating_flags=()
    non_repeating_flags=(--force --version -h --help)
    repeating_options=()
    non_repeating_options=(--model --device --context --count --mode --output -o)
    __lcplan_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--model')
        __lcplan_add_completions -W 'llama-2-7b'$'\n''llama-2-70b'$'\n''llama-3-8b'$'\n''llama-3.1-8b'$'\n''llama-3.1-70b'$'\n''llama-3.3-70b'$'\n''llama-3.1-405b'$'\n''llama-3.2-3b'$'\n''mistral-7b-v0.1'$'\n''mistral-7b-v0.2'$'\n''mixtral-8x7b'$'\n''qwen2.5-7b'$'\n''qwen2.5-7b-1m'$'\n''qwen3-8b'$'\n''qwen3-30b-a3b'$'\n''qwen3-235b-a22b'$'\n''deepseek-v3'$'\n''yi-6b-200k'$'\n''phi-3-mini-128k'$'\n''gemma-2-9b'$'\n''gemma-3-27b'$'\n''mamba-2.8b'$'\n''jamba-v0.1'
        return
        ;;
    '--device')
        __lcplan_add_completions -W 'h200'$'\n''h200-nvl'$'\n''h100-sxm'$'\n''h100-pcie'$'\n''a100-40gb'$'\n''a100-80gb'$'\n''a100-pcie-80gb'$'\n''b200'$'\n''mi300x'$'\n''l40s'$'\n''rtx-4090'$'\n''rpi5'$'\n''apple-m2'$'\n''apple-m2-cpu'$'\n''apple-m3-max'$'\n''apple-m3-max-cpu'$'\n''jetson-agx-orin-64gb'$'\n''x86-laptop'$'\n''local'
        return
        ;;
    '--context')
        return
        ;;
    '--count')
        return
        ;;
    '--mode')
        return
        ;;
    '--output'|'-o')
        return
        ;;
    esac
}

_lcplan_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __lcplan_offer_flags_options -1
}

complete -o filenames -F _lcplan lcplan
