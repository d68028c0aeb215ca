//! Process-wide allocator settings for the binaries.

/// Keeps freed memory in the process instead of handing it back to the OS.
///
/// A forward or backward pass allocates and frees tensors of tens of megabytes op after op.
/// glibc's malloc serves such sizes with `mmap` and returns them with `munmap` (or trims the
/// heap), so every op page-faults its buffers in again: measured, about 15 % of a training step
/// and 8 % of inference (docs/results.md). With `mmap` off and trimming off, freed buffers are
/// reused; peak memory is what it was, since the peak is held anyway. Call it once, first thing
/// in `main`; it does nothing where the allocator is not glibc's.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc allocator parameters; it is called before any thread
    // is started, and both settings are documented values (mallopt(3)).
    unsafe {
        libc::mallopt(libc::M_MMAP_MAX, 0);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}
