//! The encoder's hand-written backward pass against candle's autograd on elementary ops only
//! (the fused kernels off for this model only), without dropout.

mod common;

use candle_core::{Device, Tensor};
use common::{assert_training_pass_matches_autograd, encode_contexts, write_tiny_folder};
use stance::model::kernels::KernelChoice;
use stance::model::kernels::Kernels;
use stance::model::{ClassifierSpec, StanceModel, TrainScope};

#[test]
fn training_pass_gradients_equal_elementary_autograd() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 21, false);
    // No dropout, so that the op-by-op path (which draws attention dropout differently from
    // the fused kernel) computes the same function.
    let path = dir.path().join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config["hidden_dropout_prob"] = 0.0.into();
    config["attention_probs_dropout_prob"] = 0.0.into();
    config["classifier_dropout"] = 0.0.into();
    std::fs::write(&path, config.to_string()).unwrap();

    let (mut model, _) =
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 0)
            .unwrap();
    model.set_kernels(Kernels {
        fused: false,
        ..Kernels::default()
    });
    let input = encode_contexts(
        &model,
        "the trade deal",
        &[
            "Ankara would not recognise the vote.",
            "The minister said the court ruling was against the deal, and they would reject it.",
        ],
    );
    let targets = Tensor::new(&[1u32, 2], &Device::Cpu).unwrap();
    assert_eq!(model.trainable().len(), 5 + 16 * 2 + 4);
    assert_training_pass_matches_autograd(&model, &input, &targets, 0, "elementary ops");
}
