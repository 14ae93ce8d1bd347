import LCPlanCLI

// The lcplan executable: the commands live in LCPlanCLI (so that the fuzzers can drive the parser).
LCPlan.runMapped()
