//! The BERT encoder, the stance classifier on top of it, and model folders.
//!
//! One file per building block; every block has `load(vb, &cfg)` with the tensor names of
//! transformers' `BertForSequenceClassification`, so the same code serves inference and training
//! and folders load in Python too.

pub mod amx_gemm;
pub mod amx_int8_gemm;
pub mod amx_tiles;
pub mod attention;
pub mod bf16_gemm;
pub mod checkpoint;
pub mod classifier;
pub mod config;
pub mod cpu_buffers;
pub mod dense;
pub mod dropout;
pub mod embeddings;
pub mod encoder;
pub mod epilogue;
pub mod fast_math;
pub mod feed_forward;
pub mod folder;
pub mod fused_attention;
pub mod hub;
pub mod input;
pub mod int8_gemm;
#[cfg(test)]
mod kernel_test_support;
pub mod kernels;
pub mod layer;
pub mod layer_norm;
mod micro_tile;
pub mod params;
pub mod precision;
pub mod residual_norm;
pub mod safetensors_stream;
pub mod speed_check;
pub mod speed_record;
pub mod stance_model;
pub mod tape;
pub mod unpadded;

pub use classifier::{SequenceClassifier, TrainingForward};
pub use config::{BertConfig, Pooling, StanceSettings};
pub use dropout::DropoutRng;
pub use encoder::{BertEncoder, EncoderInput};
pub use input::{EncodedPair, PairInput, PairTokenizer};
pub use params::TrainScope;
pub use stance_model::{Classification, ClassifierSpec, StanceModel};
