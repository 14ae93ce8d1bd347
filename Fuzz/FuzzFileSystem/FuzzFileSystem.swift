import LCPlanFuzzing

/// libFuzzer entry point (make fuzz): one case of `FileSystemHarness` (a tree of awkward files and names
/// in a sandbox, reads and writes on it with their invariants checked); a trap or hang is a finding, saved
/// under Tests/Fixtures/fuzz/fs/ as a regression fixture once fixed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FileSystemHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
