import CGMP
import CMPFR

/// The versions of the GMP and MPFR libraries lcplan runs with, for reports and `--version`.
public enum LibraryVersions {
    public static var gmp: String { String(cString: __gmp_version) }
    public static var mpfr: String { String(cString: mpfr_get_version()) }
}
