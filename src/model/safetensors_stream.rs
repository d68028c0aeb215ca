//! Reads a safetensors file one tensor at a time. candle's `safetensors::load` reads the whole
//! file into one buffer and copies the tensors out of it, so loading a model held its weights
//! twice at the peak; `stance predict` loads two encoders, and that buffer was a third of its
//! peak memory. Here f32 tensors are read straight into their own storage.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use candle_core::{Device, Tensor};
use safetensors::tensor::{Metadata, TensorView};
use safetensors::Dtype;

/// The header's length prefix, in bytes.
const LENGTH_BYTES: usize = 8;
/// The largest header read (the format's own limit).
const MAX_HEADER_BYTES: usize = 100_000_000;

/// The tensors of the safetensors file at `path`, in file order; the error says what is wrong.
///
/// ```no_run
/// let tensors = stance::model::safetensors_stream::read(std::path::Path::new("model.safetensors"))?;
/// println!("{} tensors", tensors.len());
/// # Ok::<(), String>(())
/// ```
pub fn read(path: &Path) -> Result<Vec<(String, Tensor)>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let file_len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut reader = BufReader::new(file);
    let mut length = [0u8; LENGTH_BYTES];
    reader
        .read_exact(&mut length)
        .map_err(|_| "the file is shorter than a safetensors header".to_string())?;
    let header_len = usize::try_from(u64::from_le_bytes(length))
        .ok()
        .filter(|&n| n <= MAX_HEADER_BYTES)
        .ok_or("the header length is out of range")?;
    let mut header = vec![0u8; header_len];
    reader
        .read_exact(&mut header)
        .map_err(|_| "the file ends inside its header".to_string())?;
    // Metadata's deserialisation checks that the tensors tile the data without gaps.
    let metadata: Metadata =
        serde_json::from_slice(&header).map_err(|e| format!("invalid header: {e}"))?;
    let expected = (LENGTH_BYTES + header_len) as u64 + metadata.data_len() as u64;
    if expected != file_len {
        return Err(format!(
            "the header describes {expected} bytes but the file has {file_len}"
        ));
    }
    let mut tensors = Vec::new();
    for name in metadata.offset_keys() {
        let info = metadata
            .info(&name)
            .ok_or_else(|| format!("tensor {name}: missing from the header"))?;
        let bytes = info.data_offsets.1 - info.data_offsets.0;
        let tensor = read_tensor(&mut reader, info.dtype, &info.shape, bytes)
            .map_err(|e| format!("tensor {name}: {e}"))?;
        tensors.push((name, tensor));
    }
    Ok(tensors)
}

fn read_tensor(
    reader: &mut impl Read,
    dtype: Dtype,
    shape: &[usize],
    bytes: usize,
) -> Result<Tensor, String> {
    let truncated = |e: std::io::Error| format!("cannot read its data: {e}");
    if dtype == Dtype::F32 && cfg!(target_endian = "little") {
        // The file's little-endian f32 are this CPU's f32: read them where they will live.
        let mut values = vec![0f32; bytes / 4];
        reader
            .read_exact(bytemuck::cast_slice_mut(&mut values))
            .map_err(truncated)?;
        return Tensor::from_vec(values, shape, &Device::Cpu).map_err(|e| e.to_string());
    }
    let mut data = vec![0u8; bytes];
    reader.read_exact(&mut data).map_err(truncated)?;
    let view = TensorView::new(dtype, shape.to_vec(), &data).map_err(|e| e.to_string())?;
    candle_core::safetensors::Load::load(&view, &Device::Cpu).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::kernel_test_support::max_abs_difference;
    use super::*;
    use candle_core::DType;

    fn write(path: &Path, tensors: &[(&str, Tensor)]) {
        candle_core::safetensors::save(
            &tensors
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect(),
            path,
        )
        .unwrap();
    }

    #[test]
    fn reads_what_candle_writes_in_every_dtype() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.safetensors");
        let a = Tensor::arange(0f32, 12.0, &Device::Cpu)
            .unwrap()
            .reshape((3, 4))
            .unwrap();
        let b = a.to_dtype(DType::BF16).unwrap();
        let c = Tensor::new(&[1.5f32], &Device::Cpu).unwrap();
        write(
            &path,
            &[("a", a.clone()), ("b", b.clone()), ("c", c.clone())],
        );
        let got = read(&path).unwrap();
        let mut names: Vec<_> = got.iter().map(|(n, _)| n.as_str()).collect();
        names.sort();
        assert_eq!(names, ["a", "b", "c"]);
        for (name, tensor) in &got {
            let want = match name.as_str() {
                "a" => &a,
                "b" => &b,
                _ => &c,
            };
            assert_eq!(tensor.dtype(), want.dtype(), "{name}");
            assert_eq!(tensor.dims(), want.dims(), "{name}");
            let as_f32 = |t: &Tensor| t.to_dtype(DType::F32).unwrap();
            let diff = max_abs_difference(&as_f32(tensor), &as_f32(want));
            assert_eq!(diff, 0.0, "{name}");
        }
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.safetensors");
        let a = Tensor::zeros((64, 64), DType::F32, &Device::Cpu).unwrap();
        write(&path, &[("a", a)]);
        let whole = std::fs::read(&path).unwrap();
        let cut = dir.path().join("cut.safetensors");
        std::fs::write(&cut, &whole[..whole.len() - 10]).unwrap();
        assert!(read(&cut).unwrap_err().contains("the header describes"));
        std::fs::write(&cut, &whole[..4]).unwrap();
        assert!(read(&cut).unwrap_err().contains("shorter than"));
        let mut huge = whole.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(&cut, &huge).unwrap();
        assert!(read(&cut).unwrap_err().contains("out of range"));
        std::fs::write(&cut, b"\x04\x00\x00\x00\x00\x00\x00\x00{{{{").unwrap();
        assert!(read(&cut).unwrap_err().contains("invalid header"));
    }
}
