//! Crash-safe replacement of a folder (the training checkpoint) by a new version.
//!
//! Three names are involved: `DIR` (the current version), `DIR.partial` (the new one while it is
//! written) and `DIR.old` (the previous one while it is replaced). A version is *complete* once
//! its marker file exists, and the marker is written last. A kill at any instant of
//! [`replace`] leaves at least one complete version under one of the three names, and
//! [`recover`] finds the newest complete one, moves it to `DIR` and deletes every leftover, so
//! that the next [`replace`] starts from a clean state whatever step was interrupted.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The steps of [`replace`], in order; a test hook can stop the replacement after any of them
/// to stand for a kill at that instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A leftover `DIR.partial` was deleted.
    ClearedPartial,
    /// The new version was written to `DIR.partial` (marker included) and synced.
    WrotePartial,
    /// A leftover `DIR.old` was deleted.
    ClearedOld,
    /// `DIR` was renamed to `DIR.old`.
    MovedCurrentAside,
    /// `DIR.partial` was renamed to `DIR`.
    Installed,
    /// `DIR.old` was deleted.
    RemovedOld,
}

impl Step {
    /// Every step, in the order [`replace`] takes them.
    pub const ALL: [Step; 6] = [
        Step::ClearedPartial,
        Step::WrotePartial,
        Step::ClearedOld,
        Step::MovedCurrentAside,
        Step::Installed,
        Step::RemovedOld,
    ];
}

/// `DIR` + `suffix`, beside `DIR`.
pub fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    dir.with_file_name(name)
}

fn complete(dir: &Path, marker: &str) -> bool {
    dir.join(marker).is_file()
}

/// Deletes the folder `dir` if it exists.
pub fn remove_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| {
        Error::io(
            from,
            std::io::Error::new(e.kind(), format!("cannot rename to {}: {e}", to.display())),
        )
    })
}

/// Flushes every file of `dir`, and `dir` itself, to disk, so that a power cut after the
/// renames that follow cannot leave a complete-looking folder with empty files.
fn sync_folder(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_file() {
            let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            file.sync_all().map_err(|e| Error::io(&path, e))?;
        }
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    // Directories can be opened and synced on Unix; elsewhere this is best effort.
    match std::fs::File::open(dir) {
        Ok(handle) => {
            let _ = handle.sync_all();
            Ok(())
        }
        Err(e) => Err(Error::io(dir, e)),
    }
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Replaces `dir` by a new version that `fill` writes into the folder it is given; `fill` must
/// write `marker` last. `stop` is asked after each [`Step`] and ends the replacement early when
/// it returns true (tests use it to stand for a kill; callers pass `|_| false`).
pub fn replace(
    dir: &Path,
    marker: &str,
    fill: impl FnOnce(&Path) -> Result<()>,
    mut stop: impl FnMut(Step) -> bool,
) -> Result<()> {
    let partial = sibling(dir, ".partial");
    let old = sibling(dir, ".old");
    remove_if_present(&partial)?;
    if stop(Step::ClearedPartial) {
        return Ok(());
    }
    fill(&partial)?;
    if !complete(&partial, marker) {
        return Err(Error::InvalidInput(format!(
            "{}: the new version has no {marker}",
            partial.display()
        )));
    }
    sync_folder(&partial)?;
    if stop(Step::WrotePartial) {
        return Ok(());
    }
    // From here on DIR.partial is complete, so DIR.old may go even if DIR is not complete.
    remove_if_present(&old)?;
    if stop(Step::ClearedOld) {
        return Ok(());
    }
    if dir.exists() {
        rename(dir, &old)?;
    }
    if stop(Step::MovedCurrentAside) {
        return Ok(());
    }
    rename(&partial, dir)?;
    sync_dir(&parent_of(dir))?;
    if stop(Step::Installed) {
        return Ok(());
    }
    remove_if_present(&old)?;
    stop(Step::RemovedOld);
    Ok(())
}

/// Brings `dir` back to one complete version after an interrupted [`replace`]: the newest
/// complete one of `DIR.partial`, `DIR` and `DIR.old` (a complete `DIR.partial` is always newer
/// than `DIR`) ends up as `DIR`, and the other names are deleted. Returns false when no complete
/// version exists (leftovers are then deleted too, except `DIR` itself, which is left as found).
pub fn recover(dir: &Path, marker: &str) -> Result<bool> {
    let partial = sibling(dir, ".partial");
    let old = sibling(dir, ".old");
    let chosen = if complete(&partial, marker) {
        Some(partial.clone())
    } else if complete(dir, marker) {
        Some(dir.to_path_buf())
    } else if complete(&old, marker) {
        Some(old.clone())
    } else {
        None
    };
    let Some(chosen) = chosen else {
        remove_if_present(&partial)?;
        remove_if_present(&old)?;
        return Ok(false);
    };
    if chosen != dir {
        remove_if_present(dir)?;
        rename(&chosen, dir)?;
        sync_dir(&parent_of(dir))?;
    }
    remove_if_present(&partial)?;
    remove_if_present(&old)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: &str = "state.json";

    fn write_version(dir: &Path, version: u32) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        std::fs::write(dir.join("weights.bin"), version.to_le_bytes())
            .map_err(|e| Error::io(dir, e))?;
        std::fs::write(dir.join(MARKER), version.to_string()).map_err(|e| Error::io(dir, e))
    }

    fn version(dir: &Path) -> u32 {
        std::fs::read_to_string(dir.join(MARKER))
            .unwrap()
            .parse()
            .unwrap()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        [".partial", ".old"]
            .iter()
            .map(|s| sibling(dir, s))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect()
    }

    #[test]
    fn a_kill_after_any_step_leaves_a_version_that_resumes_and_rotates_again() {
        for (index, &kill_at) in Step::ALL.iter().enumerate() {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("checkpoint");
            replace(&dir, MARKER, |p| write_version(p, 1), |_| false).unwrap();
            replace(
                &dir,
                MARKER,
                |p| write_version(p, 2),
                |step| step == kill_at,
            )
            .unwrap();

            assert!(recover(&dir, MARKER).unwrap(), "kill after {kill_at:?}");
            let found = version(&dir);
            // Before the new version is complete the old one must be found, after it the new.
            let expected = if index == 0 { 1 } else { 2 };
            assert_eq!(found, expected, "kill after {kill_at:?}");
            assert!(leftovers(&dir).is_empty(), "kill after {kill_at:?}");

            replace(&dir, MARKER, |p| write_version(p, 3), |_| false).unwrap();
            assert_eq!(version(&dir), 3);
            assert!(leftovers(&dir).is_empty());
        }
    }

    #[test]
    fn a_partly_deleted_old_folder_does_not_block_the_next_rotation() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("checkpoint");
        replace(&dir, MARKER, |p| write_version(p, 1), |_| false).unwrap();
        // What a kill in the middle of deleting DIR.old leaves: some files, no marker.
        let old = sibling(&dir, ".old");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("config.json"), "{}").unwrap();

        replace(&dir, MARKER, |p| write_version(p, 2), |_| false).unwrap();
        assert_eq!(version(&dir), 2);
        assert!(leftovers(&dir).is_empty());
    }

    #[test]
    fn a_partial_without_marker_is_not_taken_and_is_cleaned() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("checkpoint");
        replace(&dir, MARKER, |p| write_version(p, 1), |_| false).unwrap();
        let partial = sibling(&dir, ".partial");
        std::fs::create_dir_all(&partial).unwrap();
        std::fs::write(partial.join("weights.bin"), b"half").unwrap();
        assert!(recover(&dir, MARKER).unwrap());
        assert_eq!(version(&dir), 1);
        assert!(leftovers(&dir).is_empty());
    }

    #[test]
    fn nothing_complete_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("checkpoint");
        std::fs::create_dir_all(&dir).unwrap();
        assert!(!recover(&dir, MARKER).unwrap());
    }

    #[test]
    fn fill_without_marker_is_an_error_and_keeps_the_current_version() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("checkpoint");
        replace(&dir, MARKER, |p| write_version(p, 1), |_| false).unwrap();
        let result = replace(
            &dir,
            MARKER,
            |p| std::fs::create_dir_all(p).map_err(|e| Error::io(p, e)),
            |_| false,
        );
        assert!(result.is_err());
        assert!(recover(&dir, MARKER).unwrap());
        assert_eq!(version(&dir), 1);
    }
}
