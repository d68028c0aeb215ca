//! What the packed linear kernels ([`super::bf16_gemm`], [`super::int8_gemm`]) apply to their
//! output after the product, while it is still in cache.

/// The step after `rows · Wᵀ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Epilogue {
    /// `+ bias`.
    Bias,
    /// `gelu(· + bias)` (erf form).
    BiasGelu,
}

impl Epilogue {
    /// Applies what follows the bias (the kernels add the bias themselves) to a finished block.
    pub fn finish(self, out: &mut [f32]) {
        if self == Epilogue::BiasGelu {
            super::fast_math::gelu_in_place(out);
        }
    }
}
