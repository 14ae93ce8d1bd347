import CGMP

/// Owns one GMP `mpz_t` at a stable heap address, so that GMP may read and write it in place.
///
/// Instances are never mutated after they are handed to an `ExactInt`, which makes sharing them
/// across threads safe.
final class GMPInteger: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<__mpz_struct>

    init() {
        pointer = .allocate(capacity: 1)
        __gmpz_init(pointer)
    }

    convenience init(_ value: Int) {
        self.init()
        __gmpz_set_si(pointer, value)
    }

    deinit {
        __gmpz_clear(pointer)
        pointer.deallocate()
    }

    /// Builds a new integer from a GMP operation that writes its result into a fresh `mpz_t`.
    static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> GMPInteger {
        let result = GMPInteger()
        body(result.pointer)
        return result
    }

    var sign: Int { Int(lc_mpz_sgn(pointer)) }

    /// The value as an `Int` when it fits.
    var intValue: Int? {
        guard __gmpz_fits_slong_p(pointer) != 0 else { return nil }
        return __gmpz_get_si(pointer)
    }

    var doubleValue: Double { __gmpz_get_d(pointer) }

    /// Decimal digits, with a leading `-` for negative values.
    var decimal: String {
        guard let raw = __gmpz_get_str(nil, 10, pointer) else { return "0" }
        defer { lc_gmp_free_str(raw) }
        return String(cString: raw)
    }
}
