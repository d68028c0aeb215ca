//! Learning-rate schedule: linear warmup from 0, then linear decay to 0.

/// The learning rate at each optimizer step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearSchedule {
    /// Peak learning rate, reached at the end of warmup.
    pub peak: f64,
    /// Steps of warmup.
    pub warmup_steps: usize,
    /// Steps of the whole run.
    pub total_steps: usize,
}

impl LinearSchedule {
    /// A schedule over `total_steps` with the first `warmup_ratio` of them warming up.
    pub fn new(peak: f64, warmup_ratio: f64, total_steps: usize) -> Self {
        LinearSchedule {
            peak,
            warmup_steps: (warmup_ratio * total_steps as f64).round() as usize,
            total_steps,
        }
    }

    /// The rate for the step with 0-based index `step`.
    pub fn at(&self, step: usize) -> f64 {
        // Step indices are 1-based in the formula so that the first update is not at rate 0.
        let s = (step + 1) as f64;
        if step < self.warmup_steps {
            self.peak * s / self.warmup_steps as f64
        } else {
            let remaining = self.total_steps.saturating_sub(step) as f64;
            let span = self.total_steps.saturating_sub(self.warmup_steps).max(1) as f64;
            self.peak * (remaining / span).clamp(0.0, 1.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_up_then_decays_to_zero() {
        let s = LinearSchedule::new(1.0, 0.2, 10);
        assert_eq!(s.warmup_steps, 2);
        let rates: Vec<f64> = (0..10).map(|i| s.at(i)).collect();
        assert_eq!(rates[0], 0.5);
        assert_eq!(rates[1], 1.0);
        assert_eq!(rates[2], 1.0);
        assert!((rates[9] - 0.125).abs() < 1e-12);
        assert!(rates.windows(2).skip(1).all(|w| w[1] <= w[0]));
        assert_eq!(LinearSchedule::new(1.0, 0.0, 4).at(0), 1.0);
    }
}
