//! Which kernels a loaded model runs: its [`Precision`] and whether the fused kernels (attention,
//! GELU, LayerNorm with its own backward) replace the op-by-op path. The choice is plain data,
//! set per model (`set_kernels` on each model type walks its layers), so two models in one
//! process can run different paths and no test depends on another's setting.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use super::precision::Precision;

/// A model's kernel choice.
///
/// ```
/// use stance::model::dense::Precision;
/// use stance::model::kernels::Kernels;
/// let default = Kernels::default();
/// assert_eq!(default.precision, Precision::F32);
/// assert!(default.fused);
/// assert_eq!(Kernels { fused: false, ..default }.describe(), "f32, op by op");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kernels {
    /// Arithmetic of the linear layers at inference (training always runs in f32).
    pub precision: Precision,
    /// Fused attention, GELU and LayerNorm kernels (on by default); off, every step is an
    /// elementary candle op, the reference the fused kernels are tested against.
    pub fused: bool,
    /// Mixed-precision training: the linear layers' forward products and input gradients in
    /// the hand-written passes run in bf16 (summed in f32) on CPUs with AMX or AVX-512 BF16; weight
    /// gradients, weights and the optimizer stay f32. Off by default; f32 on other CPUs.
    pub mixed_training: bool,
}

impl Default for Kernels {
    fn default() -> Self {
        Kernels {
            precision: Precision::F32,
            fused: true,
            mixed_training: false,
        }
    }
}

impl Kernels {
    /// A short description for reports ("bf16, fused").
    pub fn describe(&self) -> String {
        let path = if self.fused { "fused" } else { "op by op" };
        let training = if self.mixed_training {
            ", bf16 training products"
        } else {
            ""
        };
        format!("{}, {path}{training}", self.precision.name())
    }

    /// Two bits of precision, one of "op by op", one of mixed-precision training.
    fn encode(self) -> u8 {
        let precision = match self.precision {
            Precision::F32 => 0,
            Precision::Bf16 => 1,
            Precision::Int8 => 2,
        };
        precision | if self.fused { 0 } else { 4 } | if self.mixed_training { 8 } else { 0 }
    }

    fn decode(bits: u8) -> Kernels {
        Kernels {
            precision: match bits & 3 {
                1 => Precision::Bf16,
                2 => Precision::Int8,
                _ => Precision::F32,
            },
            fused: bits & 4 == 0,
            mixed_training: bits & 8 != 0,
        }
    }
}

/// A loaded model whose kernels can be chosen: the stance model, the tagger. Both keep their
/// choice and walk their layers in [`KernelChoice::set_kernels`]; precision alone is a shorthand.
pub trait KernelChoice {
    /// The kernels in use (f32, fused until set).
    fn kernels(&self) -> Kernels;

    /// Chooses the kernels of every layer. Weights being trained always run in f32.
    fn set_kernels(&mut self, kernels: Kernels);

    /// Sets the arithmetic of the linear layers at inference, keeping the other choices.
    fn set_precision(&mut self, precision: Precision) {
        let kernels = Kernels {
            precision,
            ..self.kernels()
        };
        self.set_kernels(kernels);
    }

    /// The precision of the linear layers at inference.
    fn precision(&self) -> Precision {
        self.kernels().precision
    }
}

/// One layer's kernel choice, shared with its clones (a cloned model runs as its original).
#[derive(Debug, Clone)]
pub struct KernelSwitch(Arc<AtomicU8>);

impl Default for KernelSwitch {
    fn default() -> Self {
        KernelSwitch(Arc::new(AtomicU8::new(Kernels::default().encode())))
    }
}

impl KernelSwitch {
    /// The current choice.
    pub fn get(&self) -> Kernels {
        Kernels::decode(self.0.load(Ordering::Relaxed))
    }

    /// Replaces the choice.
    pub fn set(&self, kernels: Kernels) {
        self.0.store(kernels.encode(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_survives_the_switch() {
        let switch = KernelSwitch::default();
        assert_eq!(switch.get(), Kernels::default());
        for precision in Precision::ALL {
            for fused in [false, true] {
                for mixed_training in [false, true] {
                    let kernels = Kernels {
                        precision,
                        fused,
                        mixed_training,
                    };
                    switch.set(kernels);
                    assert_eq!(switch.get(), kernels);
                }
            }
        }
    }

    #[test]
    fn clones_share_their_switch_and_new_layers_do_not() {
        let a = KernelSwitch::default();
        let b = a.clone();
        let c = KernelSwitch::default();
        let off = Kernels {
            fused: false,
            ..Kernels::default()
        };
        a.set(off);
        assert_eq!(b.get(), off);
        assert_eq!(c.get(), Kernels::default());
    }
}
