//! The exit-code table row by row, batch severity, and what the renderer prints.

use super::*;

#[test]
fn every_row_of_the_exit_code_table() {
    let rows: [(Error, u8); 20] = [
        (Error::Other("x".into()), 1),
        (Error::UnknownState("CANCELLED".into()), 1),
        (
            Error::Rejected {
                status: 400,
                message: "x".into(),
            },
            1,
        ),
        (Error::Usage("x".into()), 2),
        (Error::MissingKey, 3),
        (Error::KeyRefused("x".into()), 3),
        (Error::ContentBlocked("x".into()), 5),
        (
            Error::ImageWrite {
                context: "x".into(),
                source: std::io::Error::other("y"),
            },
            9,
        ),
        (Error::io("x", std::io::Error::other("y")), 1),
        (Error::Credits("x".into()), 4),
        (Error::CostCap("x".into()), 4),
        (Error::JobFailed("x".into()), 5),
        (Error::Timeout(1), 6),
        (Error::NotFound("x".into()), 7),
        (Error::Network("x".into()), 8),
        (Error::SubmitUncertain("x".into()), 8),
        (Error::Download("x".into()), 9),
        (
            Error::Interrupted {
                ids: vec![],
                submitting: 0,
                code: 130,
            },
            130,
        ),
        (
            Error::Interrupted {
                ids: vec![],
                submitting: 0,
                code: 143,
            },
            143,
        ),
        (Error::JobFailed("x".into()).for_job("abc"), 5),
    ];
    for (err, code) in rows {
        assert_eq!(err.exit_code(), code, "{err:?}");
    }
}

#[test]
fn batch_severity_puts_paid_jobs_first() {
    let mut codes = vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 130];
    codes.sort_by_key(|c| std::cmp::Reverse(Error::severity(*c)));
    assert_eq!(codes[..4], [130, 9, 6, 8]);
    let e = Error::Batch {
        failed: 2,
        total: 5,
        code: 9,
    };
    assert_eq!(e.exit_code(), 9);
}

#[test]
fn job_errors_render_the_request_id_and_how_to_resume() {
    let e = Error::Timeout(600).for_job("r-1").for_job("r-2");
    assert_eq!(e.request_id(), Some("r-1"));
    let text = e.render();
    assert!(text.starts_with("error: gave up waiting after 600 s"));
    assert!(text.contains("\nrequest_id: r-1\n"));
    assert!(text.contains("segflux fetch r-1 --wait"));
}

#[test]
fn auth_errors_say_how_to_set_the_key() {
    let text = Error::MissingKey.render();
    assert!(text.contains("SEGMIND_API_KEY"), "{text}");
    let refused = Error::KeyRefused("HTTP 401: no API key given".into()).render();
    assert!(!refused.contains("--emulator"), "{refused}");
}

#[test]
fn causes_render_as_caused_by_lines_and_join_on_one_line() {
    let e = Error::io(
        "cannot read x.png",
        std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
    )
    .for_job("r-1");
    assert_eq!(
        e.render(),
        "error: cannot read x.png\n  Caused by: gone\nrequest_id: r-1"
    );
    assert_eq!(e.one_line(), "cannot read x.png: gone");
}

#[test]
fn the_safety_hint_follows_the_variant() {
    let blocked = Error::job_failed("Blocked by the safety filter".into());
    assert!(matches!(blocked, Error::ContentBlocked(_)));
    assert!(blocked.render().contains("--safety-tolerance"));
    let other = Error::job_failed("GPU fell over".into());
    assert!(matches!(other, Error::JobFailed(_)));
    assert!(other.hint().is_none());
}
