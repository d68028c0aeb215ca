//! What the packed kernels ([`super::bf16_gemm`], [`super::int8_gemm`]) share in their tile walk:
//! the micro-tile's row count is a const generic, so a tile of the last, shorter rows is picked
//! from the eight instantiations by value.

/// `$kernel::<R>($args)` for `R = $rows` (1 to 8; larger counts take 8, the full tile).
macro_rules! for_tile_rows {
    ($rows:expr, $kernel:path, $args:expr) => {{
        use $kernel as kernel;
        match $rows {
            8.. => kernel::<8>($args),
            7 => kernel::<7>($args),
            6 => kernel::<6>($args),
            5 => kernel::<5>($args),
            4 => kernel::<4>($args),
            3 => kernel::<3>($args),
            2 => kernel::<2>($args),
            _ => kernel::<1>($args),
        }
    }};
}

pub(crate) use for_tile_rows;
