import LCPlanCalculators
import LCPlanModel

/// The report model's sections for a report: the resolved model, parameters, hardware and workload, then
/// FLOPs, memory, time, RoPE and the assumptions. One list, read by the text and markdown renderers.
enum ReportSections {
    static func build(spec: Spec?, analysis: Analysis?, timing: Bool = false) -> [ReportSection] {
        guard let spec else { return [] }
        var sections = [TextReporter.model(spec.model)]
        if let analysis, let capacity = AnswerSummary.capacitySection(analysis) { sections.insert(capacity, at: 0) }
        if let parameters = analysis?.parameters { sections.append(TextReporter.parameters(parameters)) }
        sections.append(TextReporter.hardware(spec.hardware))
        sections.append(TextReporter.workload(spec, analysis))
        if let analysis {
            sections += LayoutReport.sections(analysis, timing: timing)
            sections += [ProfileText.flops(analysis), ProfileText.memory(analysis), ProfileText.time(analysis)]
            if let kv = KVLayoutReport.section(analysis) { sections.append(kv) }
            if let varlen = analysis.varlen { sections.append(VarlenSection.section(varlen)) }
            sections += RoPEReport.sections(analysis.rope)
            var assumptions = ReportSection("Assumptions")
            assumptions.notes = analysis.assumptions.map(\.text)
            assumptions.notesAreItems = true
            sections.append(assumptions)
        }
        return sections
    }
}
