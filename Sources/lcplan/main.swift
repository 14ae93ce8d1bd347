import LCPlanPrecision
print(LibraryVersions.gmp, LibraryVersions.mpfr)
