import Foundation
import LCPlanModel
import LCPlanPrecision

/// Models known to work, to judge a criterion's warning against: each catalogue model with rotary
/// embeddings at the context it was trained and released for (its config's max_position_embeddings and
/// model card), with its effective base there. A configuration is placed
/// against the nearest of them documented at its context or beyond (a longrope preset without its
/// factor lists is left out: its figures alone would not work).
public struct RoPEEvidence: Sendable {
    /// One catalogue model at its documented context.
    public struct Reference: Sendable {
        public let model: String
        public let documentedContext: Int
        public let rotaryDim: Int
        public let effectiveBase: Double
        /// The configuration's slowest wavelength (2 pi / theta_min, tokens) over this model's: with equal
        /// rotary dims, the ratio of effective bases to the power (r - 2)/r.
        public let wavelengthRatio: Double
        /// The configuration's effective base over this model's.
        public let ratio: Double
    }

    /// The nearest references (slowest wavelengths closest in ratio), at most three.
    public let references: [Reference]
    /// One sentence for people, the same in the text report, the JSON and `lcplan rope`.
    public let sentence: String
    /// A catalogue model with this very configuration (rotary dims, effective base and slowest frequency)
    /// is documented to work at this context or beyond: literature criteria that fail here are contradicted.
    public let documentsThisConfiguration: Bool

    struct Entry: Sendable {
        let model: String
        let documentedContext: Int
        let rotaryDim: Int
        let effectiveBase: Double
        let wavelength: Double
    }

    /// The catalogue's RoPE models at their documented contexts, computed once.
    static let catalogue: [Entry] = ModelCatalogue.all.compactMap { model in
        // A longrope preset without its per-pair factor lists cannot show what makes it work: left out.
        guard model.positions == .rope, let rope = model.rope,
            rope.scaling?.type != .longrope || (rope.scaling?.longFactor?.isEmpty == false),
            let frequencies = RoPEFrequencies(
                rope, maxContext: model.maxContext, length: model.maxContext, precision: WorkingPrecision(bits: 128))
        else { return nil }
        // A model whose every attention layer slides a window (Mistral 7B v0.1: 4,096 of 32,768) documents its
        // rotary configuration at the window's distance only.
        let allWindowed = model.attention.window != nil && !(model.attention.pattern?.contains(.global) ?? false)
        let documented = allWindowed ? min(model.maxContext, model.attention.window ?? model.maxContext) : model.maxContext
        return Entry(
            model: model.name, documentedContext: documented, rotaryDim: rope.rotaryDim,
            effectiveBase: frequencies.effectiveBase.doubleValue, wavelength: 2 * Double.pi / frequencies.slowest.doubleValue)
    }

    /// Places a configuration (`model`, its effective base, slowest frequency and rotary dims) at `context` tokens.
    /// `published`: the context the model's own config.json states for exactly this configuration, if any.
    init(model: String, effectiveBase: Double, slowest: Double, rotaryDim: Int, context: Int, published: Int? = nil) {
        let wavelength = 2 * Double.pi / slowest
        if let published, published >= context {
            references = []
            sentence =
                "\(model)'s own config.json states \(UnitFormat.grouped(ExactInt(published))) tokens (max_position_embeddings) for this configuration"
            documentsThisConfiguration = true
            return
        }
        documentsThisConfiguration = Self.catalogue.contains {
            $0.documentedContext >= context && $0.rotaryDim == rotaryDim && abs($0.effectiveBase / effectiveBase - 1) < 1e-9
                && abs($0.wavelength / wavelength - 1) < 1e-9
        }
        if let own = Self.catalogue.first(where: { $0.model == model }), own.documentedContext >= context,
            abs(own.effectiveBase / effectiveBase - 1) < 1e-9
        {
            references = [
                Reference(
                    model: own.model, documentedContext: own.documentedContext, rotaryDim: own.rotaryDim,
                    effectiveBase: own.effectiveBase, wavelengthRatio: wavelength / own.wavelength, ratio: 1)
            ]
            sentence =
                "\(own.model) is documented to work at \(UnitFormat.grouped(ExactInt(own.documentedContext))) tokens with this configuration"
            return
        }
        let documented = Self.catalogue.filter { $0.documentedContext >= context }
        guard !documented.isEmpty else {
            let longest = Self.catalogue.max { $0.documentedContext < $1.documentedContext }
            references = []
            sentence =
                "no catalogue model is documented at \(UnitFormat.grouped(ExactInt(context))) tokens"
                + (longest.map { "; the longest is \($0.model) at \(UnitFormat.grouped(ExactInt($0.documentedContext)))" } ?? "")
            return
        }
        func distance(_ e: Entry) -> Double { abs(Foundation.log(wavelength / e.wavelength)) }
        let nearest = documented.sorted { a, b in
            distance(a) != distance(b) ? distance(a) < distance(b) : a.model < b.model
        }.prefix(3)
        references = nearest.map {
            Reference(
                model: $0.model, documentedContext: $0.documentedContext, rotaryDim: $0.rotaryDim,
                effectiveBase: $0.effectiveBase, wavelengthRatio: wavelength / $0.wavelength, ratio: effectiveBase / $0.effectiveBase)
        }
        let best = references[0]
        sentence =
            (best.rotaryDim == rotaryDim
                ? "effective base \(UnitFormat.fixed(best.ratio, decimals: 2))x that of \(best.model)"
                : "slowest wavelength \(UnitFormat.fixed(best.wavelengthRatio, decimals: 2))x that of \(best.model) (\(best.rotaryDim) rotary dims, here \(rotaryDim))")
            + ", which is documented to work at \(UnitFormat.grouped(ExactInt(best.documentedContext))) tokens"
    }
}
