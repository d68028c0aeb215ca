//! The encoder's hand-written backward pass against candle's autograd on elementary ops only
//! (the fused kernels off), without dropout. In a file of its own: the fused-kernel switch is
//! process-wide, and the tests in tests/encoder.rs run with it on.

mod common;

use candle_core::{Device, Tensor};
use common::{max_abs_diff, write_tiny_folder};
use stance::model::attention::set_fused_kernels;
use stance::model::{ClassifierSpec, DropoutRng, PairInput, StanceModel, TrainScope};

#[test]
fn training_pass_gradients_equal_elementary_autograd() {
    set_fused_kernels(false);
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

    let (model, _) =
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 0)
            .unwrap();
    let pairs = [
        ("the referendum", "Ankara would not recognise the vote."),
        (
            "the trade deal",
            "The minister said the court ruling was against the deal, and they would reject it.",
        ),
    ];
    let encoded: Vec<_> = pairs
        .iter()
        .map(|(topic, context)| {
            model
                .inputs()
                .encode(&PairInput {
                    topic,
                    actor: None,
                    context,
                })
                .unwrap()
        })
        .collect();
    let rows: Vec<_> = encoded.iter().collect();
    let input = model.inputs().batch(&rows, &Device::Cpu).unwrap();
    let targets = Tensor::new(&[1u32, 2], &Device::Cpu).unwrap();

    let logits = model.logits(&input, Some(&mut DropoutRng::new(0))).unwrap();
    let expected = candle_nn::loss::cross_entropy(&logits, &targets)
        .unwrap()
        .backward()
        .unwrap();
    let pass = model
        .training_forward(&input, &mut DropoutRng::new(0))
        .unwrap();
    let diff = max_abs_diff(pass.logits(), &logits);
    assert!(diff < 1e-5, "logits differ by {diff}");
    let loss = candle_nn::loss::cross_entropy(pass.logits(), &targets).unwrap();
    let got = pass.backward(&loss).unwrap();
    assert_eq!(model.trainable().len(), 5 + 16 * 2 + 4);
    for (name, var) in model.trainable() {
        let (Some(a), Some(b)) = (got.get(var), expected.get(var)) else {
            panic!("{name} has no gradient");
        };
        let scale = b
            .abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        // 1e-3 floor: the key bias's exact gradient is zero (see tests/encoder.rs).
        let diff = max_abs_diff(a, b) / scale.max(1e-3);
        assert!(
            diff < 1e-4,
            "gradient of {name} differs by {diff} (relative)"
        );
    }
}
