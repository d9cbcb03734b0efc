//! Pictures: the emulator's real-size images with the prompt drawn on them, `-o -`, the
//! inline preview, `--open`, and contact sheets.

use std::path::Path;

use crate::testenv::TestEnv;

/// Width, height and format of the image at `path`.
fn dims(path: &Path) -> (u32, u32, image::ImageFormat) {
    let bytes = std::fs::read(path).expect("read image");
    let format = image::guess_format(&bytes).expect("an image");
    let img = image::load_from_memory(&bytes).expect("decodes");
    (img.width(), img.height(), format)
}

/// `segflux --emulator generate PROMPT ARGS…` with `SEGFLUX_EMULATOR_IMAGE_SIZE` set to `size`
/// (`None`: unset, the real size).
fn built_in(env: &TestEnv, size: Option<&str>, args: &[&str]) -> crate::testenv::Run {
    let mut cmd = env.cmd();
    cmd.env_remove("SEGMIND_API_KEY")
        .env_remove("SEGFLUX_BASE_URL")
        .env_remove("SEGFLUX_EMULATOR_IMAGE_SIZE");
    if let Some(size) = size {
        cmd.env("SEGFLUX_EMULATOR_IMAGE_SIZE", size);
    }
    env.run_cmd(cmd.arg("--emulator").arg("generate").args(args))
}

#[test]
fn the_built_in_emulator_serves_real_size_images_with_the_prompt_on_them() {
    let env = TestEnv::new();
    let run = built_in(
        &env,
        None,
        &["a red fox", "--ar", "9:16", "--format", "png"],
    );
    run.expect_code(0);
    let path = env.work().join(run.last_line());
    assert_eq!(dims(&path), (1536, 2752, image::ImageFormat::Png));
    // The prompt is drawn in white on a dark panel across the middle: the middle band has
    // pure white pixels, the top fifth (sky) has none.
    let img = image::open(&path).expect("decodes").to_rgb8();
    let white = |rows: std::ops::Range<u32>| {
        rows.flat_map(|y| (0..img.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0 == [255, 255, 255])
            .count()
    };
    assert!(white(1200..1550) > 1000, "no text in the middle");
    assert_eq!(white(0..500), 0);
}

#[test]
fn a_small_size_keeps_the_aspect_ratio_and_a_bad_one_is_a_usage_error() {
    let env = TestEnv::new();
    let run = built_in(&env, Some("small"), &["a red fox", "--ar", "16:9"]);
    run.expect_code(0);
    let (w, h, _) = dims(&env.work().join(run.last_line()));
    assert_eq!((w, h), (256, 144));

    let run = built_in(&env, Some("huge"), &["a red fox"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("SEGFLUX_EMULATOR_IMAGE_SIZE") && run.stderr.contains("small"),
        "{}",
        run.stderr
    );
}
