//! `segflux sheet`: a contact sheet of a directory or a manifest's jobs, in order, with a
//! Markdown table, and the inputs it refuses.

use std::path::Path;

use crate::testenv::TestEnv;

/// Width and height of the PNG or JPEG at `path`, read from its header.
fn size_of(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).expect("an image")
}

#[test]
fn a_sheet_of_a_directory_shows_every_image_in_name_order_with_a_markdown_table() {
    let env = TestEnv::new();
    for (seed, prompt) in [
        ("3", "a red fox"),
        ("1", "a blue | whale"),
        ("2", "a green frog"),
    ] {
        env.run(&["generate", prompt, "--seed", seed, "-o", "imgs/"])
            .expect_code(0);
    }
    let run = env.run(&[
        "sheet",
        "imgs",
        "-o",
        "sheet.png",
        "--columns",
        "2",
        "--markdown",
        "table.md",
    ]);
    run.expect_code(0);
    assert_eq!(run.stdout, "sheet.png\n");
    // 2 columns × 2 rows of 256 px cells, 6 px gaps, a 24 px caption strip under each.
    assert_eq!(size_of(&env.work().join("sheet.png")), (530, 578));
    let md = std::fs::read_to_string(env.work().join("table.md")).expect("markdown");
    let rows: Vec<&str> = md.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{md}");
    // Names start with the seed, so name order is seed order here.
    assert!(
        rows[0].contains("a blue \\| whale") && rows[0].contains("| 1 |"),
        "{md}"
    );
    assert!(
        rows[1].contains("a green frog") && rows[1].contains("| 2 |"),
        "{md}"
    );
    assert!(
        rows[2].contains("a red fox") && rows[2].contains("COMPLETED"),
        "{md}"
    );
    assert!(rows[2].contains("![imgs/3-"), "{md}");
}

#[test]
fn a_sheet_of_a_manifest_follows_its_jobs_and_shows_failures() {
    let env = TestEnv::new();
    std::fs::write(
        env.work().join("prompts.txt"),
        "a red fox\nblocked #fail\na green frog\n",
    )
    .expect("prompts");
    let run = env.run(&[
        "generate",
        "--from",
        "prompts.txt",
        "--manifest",
        "m.jsonl",
        "-o",
        "out/",
        "--concurrency",
        "1",
    ]);
    assert_ne!(run.code, 0, "the #fail job fails the batch");
    let run = env.run(&[
        "sheet",
        "m.jsonl",
        "-o",
        "sheet.jpg",
        "--markdown",
        "t.md",
        "--cell",
        "64",
    ]);
    run.expect_code(0);
    let md = std::fs::read_to_string(env.work().join("t.md")).expect("markdown");
    let rows: Vec<&str> = md.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{md}");
    assert!(
        rows[0].contains("a red fox") && rows[0].contains("COMPLETED"),
        "{md}"
    );
    assert!(
        rows[1].contains("FAILED") && !rows[1].contains("!["),
        "{md}"
    );
    assert!(rows[2].contains("a green frog"), "{md}");
    // 2×2 cells of 64 px.
    assert_eq!(
        size_of(&env.work().join("sheet.jpg")),
        (2 * 70 + 6, 2 * (64 + 24 + 6) + 6)
    );
}

#[test]
fn a_sheet_refuses_a_missing_input_or_a_bad_name() {
    let env = TestEnv::new();
    let run = env.run(&["sheet", "nowhere/", "-o", "s.png"]);
    run.expect_code(2);
    assert!(run.stderr.contains("nowhere"), "{}", run.stderr);
    std::fs::create_dir_all(env.work().join("d")).expect("mkdir");
    let run = env.run(&["sheet", "d", "-o", "s.gif"]);
    run.expect_code(2);
    assert!(run.stderr.contains(".png"), "{}", run.stderr);
    assert!(TestEnv::files(&env.work()).iter().all(|f| f == "d"));
}
