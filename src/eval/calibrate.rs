//! Temperature scaling (Guo et al., 2017): one scalar T dividing the logits, fitted on dev data
//! by minimising the negative log-likelihood, so that a 0.8 probability is right about 80% of
//! the time. The predicted label never changes.

/// Calibration of one set of predictions.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Calibration {
    /// The fitted temperature.
    pub temperature: f64,
    /// Mean negative log-likelihood at T = 1.
    pub nll_before: f64,
    /// Mean negative log-likelihood at the fitted T.
    pub nll_after: f64,
    /// Expected calibration error (10 equal-width confidence bins) at T = 1.
    pub ece_before: f64,
    /// Expected calibration error at the fitted T.
    pub ece_after: f64,
}

fn softmax(logits: &[f32], temperature: f64) -> Vec<f64> {
    let scaled: Vec<f64> = logits.iter().map(|&l| l as f64 / temperature).collect();
    let max = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = scaled.iter().map(|s| (s - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// Mean negative log-likelihood of `gold` under `logits / temperature`.
pub fn nll(logits: &[Vec<f32>], gold: &[usize], temperature: f64) -> f64 {
    let total: f64 = logits
        .iter()
        .zip(gold)
        .map(|(l, &g)| -softmax(l, temperature)[g].max(1e-12).ln())
        .sum();
    total / logits.len().max(1) as f64
}

/// Expected calibration error over 10 confidence bins.
pub fn ece(logits: &[Vec<f32>], gold: &[usize], temperature: f64) -> f64 {
    let mut bins = [(0usize, 0f64, 0f64); 10];
    for (l, &g) in logits.iter().zip(gold) {
        let p = softmax(l, temperature);
        let (best, confidence) = p
            .iter()
            .copied()
            .enumerate()
            .fold((0, f64::MIN), |a, (i, v)| if v > a.1 { (i, v) } else { a });
        let bin = ((confidence * 10.0) as usize).min(9);
        bins[bin].0 += 1;
        bins[bin].1 += confidence;
        bins[bin].2 += f64::from(u8::from(best == g));
    }
    let n = logits.len().max(1) as f64;
    bins.iter()
        .filter(|b| b.0 > 0)
        .map(|(_, conf, correct)| (conf - correct).abs() / n)
        .sum()
}

/// Fits T in [0.05, 20] by golden-section search on log T (the NLL is unimodal in T).
pub fn fit_temperature(logits: &[Vec<f32>], gold: &[usize]) -> Calibration {
    let objective = |log_t: f64| nll(logits, gold, log_t.exp());
    let (mut lo, mut hi) = (0.05f64.ln(), 20f64.ln());
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut a = hi - ratio * (hi - lo);
    let mut b = lo + ratio * (hi - lo);
    let (mut fa, mut fb) = (objective(a), objective(b));
    for _ in 0..60 {
        if fa < fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - ratio * (hi - lo);
            fa = objective(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + ratio * (hi - lo);
            fb = objective(b);
        }
    }
    let temperature = ((lo + hi) / 2.0).exp();
    Calibration {
        temperature,
        nll_before: nll(logits, gold, 1.0),
        nll_after: nll(logits, gold, temperature),
        ece_before: ece(logits, gold, 1.0),
        ece_after: ece(logits, gold, temperature),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overconfident_logits_get_a_temperature_above_one() {
        // Logits of ±4 (p ≈ 0.9997 for the top label) that are right only 75% of the time:
        // the best temperature softens them so that the top probability is about 0.75.
        let mut logits = Vec::new();
        let mut gold = Vec::new();
        for i in 0..400 {
            logits.push(vec![4.0f32, -4.0]);
            gold.push(usize::from(i % 4 == 0));
        }
        let c = fit_temperature(&logits, &gold);
        // p = 0.75 ⇔ 8 / T = ln 3.
        let expected = 8.0 / 3f64.ln();
        assert!((c.temperature - expected).abs() < 1e-3, "{c:?}");
        assert!(c.nll_after < c.nll_before);
        assert!(c.ece_after < 0.01 && c.ece_before > 0.2, "{c:?}");
    }
}
