#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gmp.h>

/* mpz_sgn is a function-like macro with no function behind it: Swift cannot call it. */
static inline int lc_mpz_sgn(mpz_srcptr z) { return mpz_sgn(z); }
/* Frees a string that GMP allocated (mpz_get_str with a NULL buffer). */
static inline void lc_gmp_free_str(char *s) {
    void (*freefunc)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefunc);
    freefunc(s, strlen(s) + 1);
}
