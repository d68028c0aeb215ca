//! The speed check's result, kept per machine so that `--precision auto` picks the same kernel in
//! every run there. Timing one layer is noisy: two processes on one machine could otherwise
//! choose different precisions and print probabilities that differ in the third decimal for the
//! same article.
//!
//! The record lives in `STANCE_CACHE_DIR`, else `$XDG_CACHE_HOME/stance`, else
//! `~/.cache/stance`, and names the stance version and CPU it was measured on; a record from
//! another version or CPU is measured again. Deleting the file measures again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::speed_check::Speedups;

/// The record's file name inside the cache folder.
pub const FILE_NAME: &str = "speed-check.json";

/// The machine a measurement belongs to: a record from another one is not reused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// The stance version that measured (kernels change between versions).
    pub stance_version: String,
    /// The CPU's model name (`/proc/cpuinfo`), or "unknown".
    pub cpu: String,
    /// Which reduced-precision kernels the CPU has, e.g. "bf16 amx int8".
    pub kernels: String,
}

impl Machine {
    /// The machine this process runs on.
    pub fn this_one() -> Machine {
        use super::{amx_gemm, amx_int8_gemm, bf16_gemm, int8_gemm};
        let kernels: Vec<&str> = [
            (bf16_gemm::supported(), "bf16"),
            (amx_gemm::supported(), "amx"),
            (int8_gemm::supported(), "int8"),
            (amx_int8_gemm::supported(), "amx-int8"),
        ]
        .into_iter()
        .filter_map(|(has, name)| has.then_some(name))
        .collect();
        Machine {
            stance_version: env!("CARGO_PKG_VERSION").to_string(),
            cpu: cpu_model().unwrap_or_else(|| "unknown".to_string()),
            kernels: kernels.join(" "),
        }
    }
}

fn cpu_model() -> Option<String> {
    let info = fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
        .map(|(_, name)| name.trim().to_string())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    machine: Machine,
    speedups: Speedups,
}

/// Where a process's speed-ups came from, for `stance model info` and `--verbose`.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Read from the record an earlier run on this machine wrote.
    Recorded(PathBuf),
    /// Measured now and written to the record.
    Measured(PathBuf),
    /// Measured now; the record could not be written, so another run may choose differently.
    Unsaved(String),
}

impl Origin {
    /// "recorded in PATH (...)", "measured now, recorded in PATH (...)", "measured now, not
    /// recorded (why)".
    pub fn describe(&self) -> String {
        let delete = "delete it to measure again";
        match self {
            Origin::Recorded(path) => format!("recorded in {} ({delete})", path.display()),
            Origin::Measured(path) => {
                format!("measured now, recorded in {} ({delete})", path.display())
            }
            Origin::Unsaved(why) => format!("measured now, not recorded ({why})"),
        }
    }
}

/// The cache folder: `STANCE_CACHE_DIR`, else `$XDG_CACHE_HOME/stance`, else `~/.cache/stance`
/// (`None` without any of them).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("STANCE_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("stance"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".cache").join("stance"))
}

/// The speed-ups recorded in `dir` for `machine`, or `measure()`'s, which are then recorded.
/// Processes that measure at the same time all end up with the record the first of them wrote,
/// so every run on one machine picks the same precision.
///
/// ```
/// use stance::model::speed_check::Speedups;
/// use stance::model::speed_record::{recorded_or_measured, Machine, Origin};
/// let dir = std::env::temp_dir().join(format!("stance-doc-{}", std::process::id()));
/// let first = Speedups { bf16: Some(2.0), int8: None };
/// let (kept, _) = recorded_or_measured(&dir, &Machine::this_one(), || first);
/// // A later run reads the record instead of timing again.
/// let (again, origin) = recorded_or_measured(&dir, &Machine::this_one(), || Speedups::default());
/// assert_eq!((kept, again), (first, first));
/// assert!(matches!(origin, Origin::Recorded(_)));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn recorded_or_measured(
    dir: &Path,
    machine: &Machine,
    measure: impl FnOnce() -> Speedups,
) -> (Speedups, Origin) {
    let path = dir.join(FILE_NAME);
    if let Some(record) = read(&path).filter(|r| &r.machine == machine) {
        return (record.speedups, Origin::Recorded(path));
    }
    let record = Record {
        machine: machine.clone(),
        speedups: measure(),
    };
    match write_first(dir, &path, &record) {
        Ok(None) => (record.speedups, Origin::Measured(path)),
        Ok(Some(theirs)) => (theirs.speedups, Origin::Recorded(path)),
        Err(e) => (
            record.speedups,
            Origin::Unsaved(format!("{}: {e}", path.display())),
        ),
    }
}

fn read(path: &Path) -> Option<Record> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

/// Writes `record` unless another process wrote a record for the same machine first; returns
/// theirs in that case. A stale or unreadable record is replaced.
fn write_first(dir: &Path, path: &Path, record: &Record) -> io::Result<Option<Record>> {
    fs::create_dir_all(dir)?;
    let staged = dir.join(format!(".{FILE_NAME}.{}", std::process::id()));
    let json = serde_json::to_vec_pretty(record).map_err(io::Error::other)?;
    fs::write(&staged, json)?;
    // A hard link fails if the record exists, so of processes racing here exactly one wins.
    let linked = fs::hard_link(&staged, path);
    let outcome = match linked {
        Ok(()) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            match read(path).filter(|r| r.machine == record.machine) {
                Some(theirs) => Ok(Some(theirs)),
                None => fs::rename(&staged, path).map(|()| None),
            }
        }
        Err(e) => Err(e),
    };
    // Gone already after a rename.
    let _ = fs::remove_file(&staged);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(cpu: &str) -> Machine {
        Machine {
            stance_version: "0.0.0".to_string(),
            cpu: cpu.to_string(),
            kernels: "bf16 int8".to_string(),
        }
    }

    fn speedups(bf16: f64) -> Speedups {
        Speedups {
            bf16: Some(bf16),
            int8: Some(3.0),
        }
    }

    /// A record for `machine` is measured now (bf16 at `bf16`x), then read back by a later run.
    fn measured_then_kept(dir: &Path, machine: &Machine, bf16: f64) {
        let (got, origin) = recorded_or_measured(dir, machine, || speedups(bf16));
        assert_eq!(got, speedups(bf16));
        assert_eq!(origin, Origin::Measured(dir.join(FILE_NAME)));
        let (kept, origin) = recorded_or_measured(dir, machine, || {
            panic!("a recorded machine is not timed again")
        });
        assert_eq!(kept, speedups(bf16));
        assert_eq!(origin, Origin::Recorded(dir.join(FILE_NAME)));
    }

    #[test]
    fn the_first_measurement_is_reused() {
        let dir = tempfile::tempdir().unwrap();
        measured_then_kept(dir.path(), &machine("a"), 2.0);
        // Only the record is left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
    }

    #[test]
    fn another_cpu_or_version_measures_again_and_replaces_the_record() {
        let dir = tempfile::tempdir().unwrap();
        recorded_or_measured(dir.path(), &machine("a"), || speedups(2.0));
        measured_then_kept(dir.path(), &machine("b"), 1.5);
    }

    #[test]
    fn a_damaged_record_is_measured_again() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), "{ not json").unwrap();
        measured_then_kept(dir.path(), &machine("a"), 2.0);
    }

    #[test]
    fn racing_writers_keep_the_first_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let theirs = Record {
            machine: machine("a"),
            speedups: speedups(2.0),
        };
        assert_eq!(write_first(dir.path(), &path, &theirs).unwrap(), None);
        // A process that measured at the same time but links second adopts the first record.
        let mine = Record {
            machine: machine("a"),
            speedups: speedups(1.2),
        };
        assert_eq!(write_first(dir.path(), &path, &mine).unwrap(), Some(theirs));
        assert_eq!(read(&path).unwrap().speedups, speedups(2.0));
    }

    #[test]
    fn an_unwritable_folder_still_gives_the_measurement() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("file");
        fs::write(&blocked, "").unwrap();
        let (got, origin) = recorded_or_measured(&blocked, &machine("a"), || speedups(2.0));
        assert_eq!(got, speedups(2.0));
        assert!(matches!(origin, Origin::Unsaved(_)), "{origin:?}");
    }
}
