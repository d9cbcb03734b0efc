//! Tests of a prompt file's lines: text and JSONL, `-n` expansion, `--shard` slicing.

use super::*;

fn defaults() -> GenerationRequest {
    GenerationRequest::for_test("")
}

fn d(seed: Option<u64>, count: u32) -> Defaults {
    Defaults {
        request: defaults(),
        seed,
        count,
        image_prompt: crate::output::local_image::resolve,
    }
}

#[test]
fn text_lines_skip_blanks_and_comments_and_expand_counts() {
    let text = "# header\n\na fox\n   \n  # indented comment\na heron  \n";
    let jobs = parse(text, false, &d(Some(10), 2)).unwrap();
    let got: Vec<(usize, &str, u64)> = jobs
        .iter()
        .map(|j| (j.line, j.request.prompt.as_str(), j.request.seed))
        .collect();
    assert_eq!(
        got,
        [
            (3, "a fox", 10),
            (3, "a fox", 11),
            (6, "a heron", 10),
            (6, "a heron", 11)
        ]
    );
    assert_eq!(jobs[0].file_name, jobs[0].request.file_name());
}

#[test]
fn jsonl_lines_override_the_defaults() {
    let text = r#"{"prompt":"a fox","aspect_ratio":"16:9","seed":5,"raw":true,"safety_tolerance":4,"model":"flux-dev","params":{"steps":30}}
{"prompt":"a heron","output":"heron.png"}
{"prompt":"an owl","output_format":"png","count":2}"#;
    let jobs = parse(text, true, &d(None, 1)).unwrap();
    assert_eq!(jobs.len(), 4);
    let fox = &jobs[0].request;
    assert_eq!(
        (fox.aspect_ratio.as_str(), fox.seed, fox.raw),
        ("16:9", 5, true)
    );
    assert_eq!((fox.safety_tolerance, fox.model.as_str()), (4, "flux-dev"));
    assert_eq!(fox.extra, vec![("steps".to_owned(), serde_json::json!(30))]);
    assert_eq!(jobs[1].file_name, "heron.png");
    assert_eq!(jobs[1].request.format, ImageFormat::Png);
    assert_eq!(jobs[2].request.format, ImageFormat::Png);
    assert_eq!(jobs[3].request.seed, jobs[2].request.seed + 1);
}

#[test]
fn bad_lines_are_all_reported_with_their_numbers() {
    let text = "{\"prompt\":\"ok\"}\n{\"prompt\":\"\"}\nnot json\n{\"prompt\":\"x\",\"sead\":1}\n{\"prompt\":\"x\",\"aspect_ratio\":\"7:5\"}\n{\"prompt\":\"x\",\"safety_tolerance\":9}\n{\"prompt\":\"x\",\"output\":\"../x.jpg\"}\n{\"prompt\":\"x\",\"output\":\"a.png\",\"output_format\":\"jpg\"}\n{\"prompt\":\"x\",\"params\":{\"seed\":1}}";
    let errors = parse(text, true, &d(None, 1)).unwrap_err();
    let lines: Vec<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9"
        ]
    );
    assert!(errors[2].contains("sead"));
    assert!(errors[3].contains("16:9"));
}

#[test]
fn missing_seeds_are_fixed_by_the_request_so_reruns_match() {
    let a = parse("a fox", false, &d(None, 1)).unwrap();
    let b = parse("a fox", false, &d(None, 1)).unwrap();
    assert_eq!(a, b);
    let c = parse("a heron", false, &d(None, 1)).unwrap();
    assert_ne!(a[0].request.seed, c[0].request.seed);
}

#[test]
fn shards_partition_the_jobs() {
    let text = (0..23)
        .map(|i| format!("prompt {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let all = parse(&text, false, &d(Some(1), 1)).unwrap();
    let mut union = vec![];
    for k in 1..=4 {
        let part: Vec<BatchJob> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| in_shard(*i, k, 4))
            .map(|(_, j)| j.clone())
            .collect();
        assert!((5..=6).contains(&part.len()));
        union.extend(part);
    }
    union.sort_by_key(|j| j.line);
    assert_eq!(union, all);
}

#[test]
fn stdin_detection() {
    assert!(is_jsonl("-", Some("  {\"prompt\":\"x\"}")));
    assert!(!is_jsonl("-", Some("a fox")));
    assert!(is_jsonl("in.JSONL", None));
    assert!(!is_jsonl("in.txt", Some("{\"prompt\":\"x\"}")));
    assert_eq!(numbered("hero.jpg", 2), "hero-2.jpg");
}
