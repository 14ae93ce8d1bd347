import LCPlanFuzzing

/// libFuzzer entry point (make fuzz): one input through `FuzzHarness`; a trap, leak or hang is a finding,
/// saved under Tests/Fixtures/fuzz/cli/ as a regression fixture once fixed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = FuzzHarness.commandLine(bytes)
    return 0
}
