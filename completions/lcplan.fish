function __lcplan_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __lcplan_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __lcplan_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __lcplan_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __lcplan_parse_tokens -S
    set -l unparsed_tokens (__lcplan_tokens -pc)
    switch $unparsed_tokens[1]
    case 'lcplan'
        __lcplan_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'plan'
            __lcplan_parse_subcommand 1 'format=' 'o/output=' 'fail-on=' 'timing' 'plot=' 'validate' 'brief' 'presets=+' 'color=' 'set=+' 'model=' 'device=' 'context=' 'count=' 'version' 'h/help'
        case 'check'
            __lcplan_parse_subcommand -r 1 'format=' 'fail-on=' 'o/output=' 'presets=+' 'color=' 'set=+' 'model=' 'device=' 'context=' 'count=' 'version' 'h/help'
        case 'rope'
            __lcplan_parse_subcommand 1 'model=' 'theta=' 'rotary-dim=' 'layers=' 'context=' 'phase-dtype=' 'position-dtype=' 'eps=' 'digits=' 'men-limit=' 'format=' 'presets=+' 'color=' 'version' 'h/help'
        case 'presets'
            __lcplan_parse_subcommand 0 'format=' 'presets=+' 'color=' 'version' 'h/help'
        case 'import-hf'
            __lcplan_parse_subcommand 1 'o/output=' 'color=' 'version' 'h/help'
        case 'explain'
            __lcplan_parse_subcommand 1 'markdown' 'version' 'h/help'
        case 'schema'
            __lcplan_parse_subcommand 1 'strict' 'version' 'h/help'
        case 'emit'
            __lcplan_parse_subcommand 1 'engine=' 'o/output=' 'aggregated' 'kv-connector=' 'presets=+' 'color=' 'set=+' 'model=' 'device=' 'context=' 'count=' 'version' 'h/help'
        case 'diff'
            __lcplan_parse_subcommand 2 'format=' 'o/output=' 'fail-on=' 'presets=+' 'color=' 'version' 'h/help'
        case 'sweep'
            __lcplan_parse_subcommand 1 'context=' 'set=' 'factor=' 'step=' 'format=' 'plot=' 'o/output=' 'presets=+' 'color=' 'version' 'h/help'
        case 'validate'
            __lcplan_parse_subcommand 1 'format=' 'threads=' 'quiet' 'presets=+' 'color=' 'set=+' 'model=' 'device=' 'context=' 'count=' 'version' 'h/help'
        case 'calibrate'
            __lcplan_parse_subcommand 0 'o/output=' 'runs=' 'size=' 'quiet' 'version' 'h/help'
        case 'init'
            __lcplan_parse_subcommand 0 'model=' 'device=' 'context=' 'count=' 'mode=' 'o/output=' 'force' 'version' 'h/help'
        case 'help'
            __lcplan_parse_subcommand -r 1 'version'
        end
    end
end

function __lcplan_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __lcplan_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __lcplan_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __lcplan_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__lcplan_tokens -p)
    if test -z "$(__lcplan_tokens -t)"
        set -l index (count (__lcplan_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'lcplan' -f
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'plan' -d 'Print the full report for a spec (the default command).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'check' -d 'Check specs and print only their findings (for CI).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'rope' -d 'RoPE bounds and feasibility for a spec, a preset (--model) or bare figures (--theta).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'presets' -d 'List the model and hardware presets, with their sources.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'import-hf' -d 'Turn a Hugging Face config.json into an lcplan model (a user preset file).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'explain' -d 'Explain a diagnostic rule (LC102 or unknown-key); with no rule, list them all.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'schema' -d 'Print the JSON Schema of the spec or of a JSON output (report, check, rope, presets, diff, sweep, validation).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'emit' -d 'Print the chosen plan as a launch script for a real engine.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'diff' -d 'Show what changed in the figures between two specs (for review).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'sweep' -d 'Sweep one spec key over a range or a list: memory, times, tokens/s, RoPE zone, sequences served.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'validate' -d 'Check lcplan\'s own figures for a plan against scaled-down reference kernels run on this CPU.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'calibrate' -d 'Measure this machine (matmul rates, attention kernel rate, memory bandwidth) and write the local preset.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'init' -d 'Write a commented spec to start from (a built-in model and device, a context).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan plan" -eq 1' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" format' -l 'format' -d 'Output format: text, json or markdown.' -rfka 'text json markdown'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" o output' -l 'output' -s 'o' -d 'Write the report to this file (atomically) instead of standard output.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" fail-on' -l 'fail-on' -d 'Lowest severity that fails the run: note, warning or error (default: the spec\'s checks.fail_on, else error).' -rfka 'note warning error'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" timing' -l 'timing' -d 'Show the layout search\'s wall time (text: the Layout section; JSON: layout.search_time_s). Off by default: it varies run to run, the rest of the report does not.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" plot' -l 'plot' -d 'Also draw the spec over contexts from 1/32 to 8 times its own (as lcplan sweep --context) into this SVG file; the markdown report shows it.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" validate' -l 'validate' -d 'Also validate the plan with scaled-down reference kernels on this CPU (as lcplan validate); a failed check exits 1.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" brief' -l 'brief' -d 'Text: print only the verdict, the summary and the findings at warning level and above.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan"' -l 'set' -d 'Set one spec key, KEY=VALUE with a dotted key (workload.batch=8, hardware.device=h100, model.rope.theta=1e6); repeatable; checked like the spec.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" model' -l 'model' -d 'Without a spec file: the model preset (with --device and --context).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" device' -l 'device' -d 'Without a spec file: the device preset.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" context' -l 'context' -d 'Without a spec file: the target context (32k, 1M, 131072).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" count' -l 'count' -d 'Without a spec file: devices in all (default 1).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan plan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan check" -ge 1' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" format' -l 'format' -d 'Output format: text, json, sarif, github, gitlab or markdown.' -rfka 'text json sarif github gitlab markdown'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" fail-on' -l 'fail-on' -d 'Lowest severity that fails the check: note, warning or error (default: the spec\'s checks.fail_on, else error).' -rfka 'note warning error'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" o output' -l 'output' -s 'o' -d 'Write the findings to this file (atomically).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check"' -l 'set' -d 'Set one spec key, KEY=VALUE with a dotted key (workload.batch=8, hardware.device=h100, model.rope.theta=1e6); repeatable; checked like the spec.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" model' -l 'model' -d 'Without a spec file: the model preset (with --device and --context).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" device' -l 'device' -d 'Without a spec file: the device preset.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" context' -l 'context' -d 'Without a spec file: the target context (32k, 1M, 131072).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" count' -l 'count' -d 'Without a spec file: devices in all (default 1).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan rope" -eq 1' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" model' -l 'model' -d 'A model preset (or user preset) instead of a spec.' -rfka 'llama-2-7b llama-2-70b llama-3-8b llama-3.1-8b llama-3.1-70b llama-3.3-70b llama-3.1-405b llama-3.2-3b mistral-7b-v0.1 mistral-7b-v0.2 mixtral-8x7b qwen2.5-7b qwen2.5-7b-1m qwen3-8b qwen3-30b-a3b qwen3-235b-a22b deepseek-v3 yi-6b-200k phi-3-mini-128k gemma-2-9b gemma-3-27b mamba-2.8b jamba-v0.1'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" theta' -l 'theta' -d 'A bare RoPE base instead of a model.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" rotary-dim' -l 'rotary-dim' -d 'Rotary dims per head with --theta (default 128).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" layers' -l 'layers' -d 'Layers (the depth N of bound C) with --theta (default 32).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" context' -l 'context' -d 'Target context (128k, 1M, 131072); default the spec\'s context or the model\'s max context.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" phase-dtype' -l 'phase-dtype' -d 'Format in which phases are formed (default fp32, or the spec\'s).' -rfka 'fp64 fp32 tf32 bf16 fp16 fp8 fp8_e4m3 fp8_e5m2 int8 int4 int2 fp4'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" position-dtype' -l 'position-dtype' -d 'Format of position ids (default fp32, or the spec\'s).' -rfka 'fp64 fp32 tf32 bf16 fp16 fp8 fp8_e4m3 fp8_e5m2 int8 int4 int2 fp4'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" eps' -l 'eps' -d 'Coherence threshold eps of the phase-modulation bounds (default 0.5, an assumption).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" digits' -l 'digits' -d 'Significant digits of the decimal strings (default 10).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" men-limit' -l 'men-limit' -d 'Evaluate the Men criterion only when context x rotary pairs is at most this, and spend at most this many cosines scanning Men windows for the recommended base (default 1600000000: about a second, enough to 128K tokens at 128 rotary dims; a scan this cannot finish is not started).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan rope" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan presets" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan presets"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan presets" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan presets" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan presets" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan import-hf" o output' -l 'output' -s 'o' -d 'Write the model to this file (atomically).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan import-hf" color' -l 'color' -d 'Colour in messages: auto, always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan import-hf" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan import-hf" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan explain" -eq 1' -fka 'LC100 LC101 LC102 LC103 LC104 LC105 LC106 LC107 LC108 LC109 LC110 LC111 LC112 LC113 LC114 LC115 LC116 LC117 LC118 LC119 LC201 LC202 LC203 LC210 LC211 LC212 LC301 LC302 LC303 LC304 LC305 LC306 LC307 LC308 LC310 LC401 LC402 LC403 LC404 LC405 LC410 LC501 LC502 LC503 LC504 LC505 LC510 LC601 LC602 LC603 LC610 LC611 LC612 LC613'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan explain" markdown' -l 'markdown' -d 'Print every rule\'s long form as markdown (what docs/rules.md holds).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan explain" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan schema" -eq 1' -fka 'spec report check rope presets diff sweep validation'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan schema" strict' -l 'strict' -d 'Forbid keys the schema does not list (additionalProperties false).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan schema" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan schema" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan emit" -eq 1' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" engine' -l 'engine' -d 'The engine: vllm, sglang, trtllm, megatron, torchtitan or deepspeed.' -rfka 'vllm sglang trtllm megatron torchtitan deepspeed'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" o output' -l 'output' -s 'o' -d 'Write the script to this file (atomically) instead of standard output.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" aggregated' -l 'aggregated' -d 'Launch the aggregated layout even when separate prefill and decode pools are better.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" kv-connector' -l 'kv-connector' -d 'vLLM\'s KV connector between separate prefill and decode pools.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit"' -l 'set' -d 'Set one spec key, KEY=VALUE with a dotted key (workload.batch=8, hardware.device=h100, model.rope.theta=1e6); repeatable; checked like the spec.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" model' -l 'model' -d 'Without a spec file: the model preset (with --device and --context).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" device' -l 'device' -d 'Without a spec file: the device preset.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" context' -l 'context' -d 'Without a spec file: the target context (32k, 1M, 131072).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" count' -l 'count' -d 'Without a spec file: devices in all (default 1).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan emit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan diff" -eq 1' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan diff" -eq 2' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan diff" format' -l 'format' -d 'Output format: text, json or markdown.' -rfka 'text json markdown'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan diff" o output' -l 'output' -s 'o' -d 'Write the diff to this file (atomically).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan diff" fail-on' -l 'fail-on' -d 'Lowest severity of the new spec\'s findings that fails the run (default: its checks.fail_on, else error).' -rfka 'note warning error'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan diff"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan diff" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan diff" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan sweep" -eq 1' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" context' -l 'context' -d 'Sweep workload.context over A..B (tokens: 4k..1M) or a list (8k,32k,128k).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" set' -l 'set' -d 'Sweep KEY over A..B (workload.batch=1..64) or a list (hardware.device=h100-sxm,h200).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" factor' -l 'factor' -d 'Multiply by this from one point to the next (default 2).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" step' -l 'step' -d 'Add this from one point to the next instead.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" format' -l 'format' -d 'Output format: text, csv or json.' -rfka 'text csv json'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" plot' -l 'plot' -d 'Also write the chart to this SVG file.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" o output' -l 'output' -s 'o' -d 'Write the table to this file (atomically).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan sweep" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_positional "lcplan validate" -eq 1' -fa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" format' -l 'format' -d 'Output format: text or json (the report\'s validation section).' -rfka 'text json'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" threads' -l 'threads' -d 'Threads for the tiled kernel (default 2).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" quiet' -l 'quiet' -d 'No progress line on standard error.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate"' -l 'presets' -d 'A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" color' -l 'color' -d 'Colour in text output: auto (on a terminal), always or never.' -rfka 'auto always never'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate"' -l 'set' -d 'Set one spec key, KEY=VALUE with a dotted key (workload.batch=8, hardware.device=h100, model.rope.theta=1e6); repeatable; checked like the spec.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" model' -l 'model' -d 'Without a spec file: the model preset (with --device and --context).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" device' -l 'device' -d 'Without a spec file: the device preset.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" context' -l 'context' -d 'Without a spec file: the target context (32k, 1M, 131072).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" count' -l 'count' -d 'Without a spec file: devices in all (default 1).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan calibrate" o output' -l 'output' -s 'o' -d 'Write the preset here instead (its directory must exist).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan calibrate" runs' -l 'runs' -d 'Runs per measurement (the median is kept; default 5).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan calibrate" size' -l 'size' -d 'Matrix size of the products (default 1024).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan calibrate" quiet' -l 'quiet' -d 'Do not print the figures (the preset is still written).'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan calibrate" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan calibrate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" model' -l 'model' -d 'Model preset (default llama-3.1-8b).' -rfka 'llama-2-7b llama-2-70b llama-3-8b llama-3.1-8b llama-3.1-70b llama-3.3-70b llama-3.1-405b llama-3.2-3b mistral-7b-v0.1 mistral-7b-v0.2 mixtral-8x7b qwen2.5-7b qwen2.5-7b-1m qwen3-8b qwen3-30b-a3b qwen3-235b-a22b deepseek-v3 yi-6b-200k phi-3-mini-128k gemma-2-9b gemma-3-27b mamba-2.8b jamba-v0.1'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" device' -l 'device' -d 'Device preset (default h100-sxm).' -rfka 'h200 h200-nvl h100-sxm h100-pcie a100-40gb a100-80gb a100-pcie-80gb b200 mi300x l40s rtx-4090 rpi5 apple-m2 apple-m2-cpu apple-m3-max apple-m3-max-cpu jetson-agx-orin-64gb x86-laptop local'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" context' -l 'context' -d 'Target context (default 32k).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" count' -l 'count' -d 'Devices in all (default 1).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" mode' -l 'mode' -d 'inference or training (default inference).' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" o output' -l 'output' -s 'o' -d 'Write the spec to this file instead of standard output.' -rfka ''
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" force' -l 'force' -d 'Replace the -o file if it exists.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" version' -l 'version' -d 'Show the version.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'lcplan' -n '__lcplan_should_offer_completions_for_flags_or_options "lcplan help" version' -l 'version' -d 'Show the version.'
