//! The encoder against candle-transformers' BERT, its gradients, and padding.

mod common;

use stance::model::kernels::KernelChoice;
use std::str::FromStr;

use candle_core::{DType, Device, IndexOp, Tensor, Var};
use candle_nn::VarBuilder;
use common::{
    assert_training_pass_matches_autograd, max_abs, max_abs_diff, random_weights, tiny_config,
    tokenizer_json, write_tiny_folder,
};
use stance::model::attention::softmax_last_dim;
use stance::model::kernels::Kernels;
use stance::model::layer_norm::LayerNorm;
use stance::model::{
    BertEncoder, ClassifierSpec, DropoutRng, EncodedPair, EncoderInput, PairInput, PairTokenizer,
    StanceModel, StanceSettings, TrainScope,
};

fn pair_tokenizer() -> PairTokenizer {
    let tokenizer = tokenizers::Tokenizer::from_str(&tokenizer_json()).unwrap();
    PairTokenizer::new(tokenizer, StanceSettings::default(), 0).unwrap()
}

/// Two pairs of different lengths, so that the first one is padded in a batch.
fn encoded_pairs() -> (EncodedPair, EncodedPair) {
    let tokenizer = pair_tokenizer();
    let short = tokenizer
        .encode(&PairInput {
            topic: "the referendum",
            actor: Some("Turkey"),
            context: "Ankara would not recognise the vote.",
        })
        .unwrap();
    let long = tokenizer
        .encode(&PairInput {
            topic: "the trade deal",
            actor: None,
            context: "The minister said the court ruling was against the deal, and they \
                      would reject the tax. Iran backed the climate deal.",
        })
        .unwrap();
    assert!(short.input_ids.len() + 5 < long.input_ids.len());
    (short, long)
}

fn batch(pairs: &[&EncodedPair]) -> EncoderInput {
    pair_tokenizer().batch(pairs, &Device::Cpu).unwrap()
}

#[test]
fn hidden_states_match_candle_transformers_bert() {
    let cfg = tiny_config();
    let tensors = random_weights(&cfg, 3, 11);
    let (short, long) = encoded_pairs();
    let input = batch(&[&short, &long]);

    let vb = VarBuilder::from_tensors(tensors.clone(), DType::F32, &Device::Cpu);
    let ours = BertEncoder::load(vb.pp("bert"), &cfg)
        .unwrap()
        .forward(&input, None)
        .unwrap();

    let reference_cfg: candle_transformers::models::bert::Config =
        serde_json::from_str(&cfg.to_json_string()).unwrap();
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let reference = candle_transformers::models::bert::BertModel::load(vb, &reference_cfg)
        .unwrap()
        .forward(
            &input.input_ids,
            &input.token_type_ids,
            Some(&input.attention_mask),
        )
        .unwrap();

    assert_eq!(ours.dims(), reference.dims());
    // The real tokens' states; at inference the padded positions are left out (zero here,
    // whatever the reference computes for them).
    let real = input
        .attention_mask
        .to_dtype(DType::F32)
        .unwrap()
        .unsqueeze(2)
        .unwrap();
    let padding = (real.ones_like().unwrap() - &real).unwrap();
    assert!(padding.sum_all().unwrap().to_scalar::<f32>().unwrap() > 0.0);
    assert_eq!(max_abs(&ours.broadcast_mul(&padding).unwrap()), 0.0);
    let diff = max_abs_diff(
        &ours.broadcast_mul(&real).unwrap(),
        &reference.broadcast_mul(&real).unwrap(),
    );
    assert!(diff < 1e-4, "max |ours - candle-transformers| = {diff}");
    // Random weights give hidden states of order 1: a near-zero diff is not a trivial one.
    let scale = reference
        .abs()
        .unwrap()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(
        scale > 0.1,
        "reference hidden states are degenerate ({scale})"
    );
}

#[test]
fn training_path_matches_the_fused_inference_path() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 5, false);
    let frozen = StanceModel::from_dir(dir.path()).unwrap();
    let (trainable, fresh) =
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 0)
            .unwrap();
    assert!(
        fresh.is_empty(),
        "a complete folder needs no new tensors: {fresh:?}"
    );
    let (short, long) = encoded_pairs();
    let input = batch(&[&short, &long]);
    let fused = frozen.logits(&input, None).unwrap();
    let differentiable = trainable.logits(&input, None).unwrap();
    let diff = max_abs_diff(&fused, &differentiable);
    assert!(
        diff < 1e-5,
        "fused vs differentiable logits differ by {diff}"
    );
}

#[test]
fn two_models_in_one_process_run_their_own_kernels() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 5, false);
    let fused = StanceModel::from_dir(dir.path()).unwrap();
    let other_fused = StanceModel::from_dir(dir.path()).unwrap();
    let mut op_by_op = StanceModel::from_dir(dir.path()).unwrap();
    op_by_op.set_kernels(Kernels {
        fused: false,
        ..Kernels::default()
    });
    assert!(fused.kernels().fused && !op_by_op.kernels().fused);
    let (short, long) = encoded_pairs();
    let input = batch(&[&short, &long]);
    // Without dropout both paths compute the same function.
    let diff = max_abs_diff(
        &fused.logits(&input, None).unwrap(),
        &op_by_op.logits(&input, None).unwrap(),
    );
    assert!(diff < 1e-5, "{diff}");
    // With dropout the fused attention kernel draws its own mask: the same seed gives the same
    // logits on the same path and others across paths, so each model ran its own.
    let with_dropout = |model: &StanceModel| {
        let mut rng = DropoutRng::new(7);
        model.logits(&input, Some(&mut rng)).unwrap()
    };
    assert_eq!(
        max_abs_diff(&with_dropout(&fused), &with_dropout(&other_fused)),
        0.0
    );
    assert!(max_abs_diff(&with_dropout(&fused), &with_dropout(&op_by_op)) > 1e-4);
}

/// Gradients of a weighted loss on a batch, for the model's trainable variables: the names of
/// those whose gradient is missing or zero, and how many there are.
/// With `training_pass`, the gradients come from the training step's pass (the encoder's
/// hand-written backward); otherwise from candle's autograd through `logits`.
fn parameters_without_gradient(model: &StanceModel, training_pass: bool) -> (Vec<String>, usize) {
    let (short, long) = encoded_pairs();
    let input = batch(&[&short, &long, &short]);
    let targets = Tensor::new(&[0u32, 1, 2], &Device::Cpu).unwrap();
    let mut rng = DropoutRng::new(1);
    let grads = if training_pass {
        let pass = model.training_forward(&input, &mut rng).unwrap();
        let loss = candle_nn::loss::cross_entropy(pass.logits(), &targets).unwrap();
        pass.backward(&loss).unwrap()
    } else {
        let logits = model.logits(&input, Some(&mut rng)).unwrap();
        let loss = candle_nn::loss::cross_entropy(&logits, &targets).unwrap();
        loss.backward().unwrap()
    };
    let mut missing = Vec::new();
    for (name, var) in model.trainable() {
        let magnitude = grads
            .get(var.as_tensor())
            .map(|g| {
                g.abs()
                    .unwrap()
                    .sum_all()
                    .unwrap()
                    .to_scalar::<f32>()
                    .unwrap()
            })
            .unwrap_or(0.0);
        if !(magnitude > 0.0 && magnitude.is_finite()) {
            missing.push(name.clone());
        }
    }
    (missing, model.trainable().len())
}

#[test]
fn every_parameter_receives_a_gradient() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 3, false);
    let (model, _) =
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 0)
            .unwrap();
    let encoder_vars = model
        .trainable()
        .iter()
        .filter(|(n, _)| n.starts_with("bert.") && !n.starts_with("bert.pooler"))
        .count();
    // 5 embedding tensors + 16 per layer.
    assert_eq!(encoder_vars, 5 + 16 * 2);
    for training_pass in [false, true] {
        let (missing, total) = parameters_without_gradient(&model, training_pass);
        assert!(
            missing.is_empty(),
            "{} of {total} parameters got no gradient (training pass: {training_pass}): \
             {missing:?}",
            missing.len()
        );
    }
}

/// The training pass (the encoder's hand-written backward) gives the logits and gradients of
/// candle's autograd through `logits`: same weights, same dropout seed, every trained parameter,
/// in each training scope.
#[test]
fn training_pass_gradients_equal_autograd() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 9, false);
    let (short, long) = encoded_pairs();
    let input = batch(&[&short, &long, &short]);
    let targets = Tensor::new(&[2u32, 0, 1], &Device::Cpu).unwrap();
    let spec = ClassifierSpec::default();
    for scope in [TrainScope::All, TrainScope::TopLayers(1), TrainScope::Head] {
        let (model, _) = StanceModel::for_training(dir.path(), &spec, scope, 0).unwrap();
        assert_training_pass_matches_autograd(&model, &input, &targets, 4, &format!("{scope:?}"));
    }
}

#[test]
fn partial_fine_tuning_trains_exactly_its_scope() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 3, false);
    let spec = ClassifierSpec::default();
    let (head, _) = StanceModel::for_training(dir.path(), &spec, TrainScope::Head, 0).unwrap();
    let names: Vec<&str> = head.trainable().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "bert.pooler.dense.weight",
            "bert.pooler.dense.bias",
            "classifier.weight",
            "classifier.bias"
        ]
    );
    let (top, _) =
        StanceModel::for_training(dir.path(), &spec, TrainScope::TopLayers(1), 0).unwrap();
    assert_eq!(top.trainable().len(), 4 + 16);
    assert!(top
        .trainable()
        .iter()
        .all(|(n, _)| !n.contains("layer.0.") && !n.contains("embeddings")));
    for model in [&head, &top] {
        let (missing, total) = parameters_without_gradient(model, true);
        assert!(
            missing.is_empty(),
            "{} of {total} without gradient: {missing:?}",
            missing.len()
        );
    }
    // Frozen parameters are saved too.
    assert_eq!(head.tensors().unwrap().len(), top.tensors().unwrap().len());
}

#[test]
fn padding_does_not_change_unpadded_positions() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 9, false);
    let frozen = StanceModel::from_dir(dir.path()).unwrap();
    let (trainable, _) =
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 0)
            .unwrap();
    let (short, long) = encoded_pairs();
    let alone = batch(&[&short]);
    let padded = batch(&[&short, &long]);
    let n = short.input_ids.len();
    for model in [&frozen, &trainable] {
        let encoder = model.classifier().encoder();
        let hidden_alone = encoder.forward(&alone, None).unwrap().i(0).unwrap();
        let hidden_padded = encoder
            .forward(&padded, None)
            .unwrap()
            .i((0, 0..n))
            .unwrap();
        let diff = max_abs_diff(&hidden_alone, &hidden_padded);
        assert!(diff < 1e-5, "padding changed hidden states by {diff}");
        let logits_alone = model.logits(&alone, None).unwrap().i(0).unwrap();
        let logits_padded = model.logits(&padded, None).unwrap().i(0).unwrap();
        let diff = max_abs_diff(&logits_alone, &logits_padded);
        assert!(diff < 1e-5, "padding changed logits by {diff}");
    }
}

#[test]
fn mean_pooling_ignores_padding_too() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 9, false);
    let spec = ClassifierSpec {
        pooling: Some(stance::model::Pooling::Mean),
        ..ClassifierSpec::default()
    };
    let (model, _) = StanceModel::for_training(dir.path(), &spec, TrainScope::All, 0).unwrap();
    let (short, long) = encoded_pairs();
    let alone = model.logits(&batch(&[&short]), None).unwrap().i(0).unwrap();
    let padded = model
        .logits(&batch(&[&short, &long]), None)
        .unwrap()
        .i(0)
        .unwrap();
    let diff = max_abs_diff(&alone, &padded);
    assert!(diff < 1e-5, "padding changed mean-pooled logits by {diff}");
}

#[test]
fn dropout_is_real_and_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 4, false);
    let (model, _) =
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 0)
            .unwrap();
    let (short, long) = encoded_pairs();
    let input = batch(&[&short, &long]);
    let eval = model.logits(&input, None).unwrap();
    let train_a = model.logits(&input, Some(&mut DropoutRng::new(5))).unwrap();
    let train_b = model.logits(&input, Some(&mut DropoutRng::new(5))).unwrap();
    let train_c = model.logits(&input, Some(&mut DropoutRng::new(6))).unwrap();
    assert!(
        max_abs_diff(&eval, &train_a) > 1e-4,
        "dropout changed nothing"
    );
    assert_eq!(
        max_abs_diff(&train_a, &train_b),
        0.0,
        "same seed, different masks"
    );
    assert!(
        max_abs_diff(&train_a, &train_c) > 1e-4,
        "different seeds, same masks"
    );
}

/// d/dx of sum(w * softmax(x)) is s * (w - sum(s * w)) exactly.
#[test]
fn softmax_gradient_has_the_exact_value() {
    let x = Var::new(
        &[[0.5f64, -1.0, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0]],
        &Device::Cpu,
    )
    .unwrap();
    let w = Tensor::new(
        &[[1.0f64, 2.0, -1.0, 0.5], [0.0, -3.0, 1.0, 2.0]],
        &Device::Cpu,
    )
    .unwrap();
    let s = softmax_last_dim(x.as_tensor()).unwrap();
    let loss = (&s * &w).unwrap().sum_all().unwrap();
    let grad = loss.backward().unwrap().get(x.as_tensor()).unwrap().clone();
    let s = s.to_vec2::<f64>().unwrap();
    let w = w.to_vec2::<f64>().unwrap();
    let grad = grad.to_vec2::<f64>().unwrap();
    for row in 0..2 {
        let dot: f64 = (0..4).map(|j| s[row][j] * w[row][j]).sum();
        for j in 0..4 {
            let expected = s[row][j] * (w[row][j] - dot);
            assert!((grad[row][j] - expected).abs() < 1e-12, "row {row} col {j}");
        }
    }
}

/// LayerNorm's gradient against central finite differences, in f64.
#[test]
fn layer_norm_gradient_matches_finite_differences() {
    let device = Device::Cpu;
    let values = [0.3f64, -1.2, 2.5, 0.7, -0.4, 1.1];
    let weight = Tensor::new(&[1.5f64, -0.5, 2.0, 1.0, 0.3, -1.2], &device).unwrap();
    let bias = Tensor::new(&[0.1f64, 0.2, -0.3, 0.0, 0.5, 0.4], &device).unwrap();
    let probe = Tensor::new(&[1.0f64, -2.0, 0.5, 3.0, -1.0, 0.25], &device).unwrap();
    let tensors = [("weight".to_string(), weight), ("bias".to_string(), bias)]
        .into_iter()
        .collect();
    let vb = VarBuilder::from_tensors(tensors, DType::F64, &device);
    let norm = LayerNorm::load(vb, 6, 1e-5).unwrap();
    let loss_at = |x: &Tensor| -> Tensor {
        (norm.forward_differentiable(x).unwrap() * &probe)
            .unwrap()
            .sum_all()
            .unwrap()
    };
    let x = Var::new(&values, &device).unwrap();
    let grad = loss_at(x.as_tensor()).backward().unwrap();
    let grad = grad.get(x.as_tensor()).unwrap().to_vec1::<f64>().unwrap();
    let h = 1e-6;
    for i in 0..values.len() {
        let mut plus = values;
        let mut minus = values;
        plus[i] += h;
        minus[i] -= h;
        let f = |v: [f64; 6]| {
            loss_at(&Tensor::new(&v, &device).unwrap())
                .to_scalar::<f64>()
                .unwrap()
        };
        let numeric = (f(plus) - f(minus)) / (2.0 * h);
        assert!(
            (grad[i] - numeric).abs() < 1e-6,
            "d/dx{i}: backward {} vs finite differences {numeric}",
            grad[i]
        );
    }
}
