#include <stdio.h>
#include <gmp.h>
#include <mpfr.h>

/* Variadic and macro-only MPFR entry points, wrapped so that Swift can call them. */
static inline int lc_mpfr_format_g(char *buf, size_t n, int digits, mpfr_srcptr x) {
    return mpfr_snprintf(buf, n, "%.*Rg", digits, x);
}
static inline int lc_mpfr_format_e(char *buf, size_t n, int digits, mpfr_srcptr x) {
    return mpfr_snprintf(buf, n, "%.*Re", digits, x);
}
static inline mpfr_prec_t lc_mpfr_prec_max(void) { return MPFR_PREC_MAX; }
static inline mpfr_prec_t lc_mpfr_prec_min(void) { return MPFR_PREC_MIN; }
