//! Each option's rule, the ratio spellings serde writes, and the serde field probe.

use super::*;

#[test]
fn every_ratio_has_its_wire_spelling_in_serde() {
    for r in AspectRatio::ALL {
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::json!(r.as_str())
        );
    }
    let names: Vec<&str> = AspectRatio::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(names, segflux_api::ASPECT_RATIOS);
}

#[test]
fn tolerance_and_seed_rules() {
    assert_eq!(parse_tolerance("4"), Ok(4));
    for bad in ["0", "7", "-1", "x", "300"] {
        assert!(parse_tolerance(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_seed("42"), Ok(42));
    assert!(parse_seed("-1").is_err());
}

#[test]
fn counts_params_and_output_names() {
    assert_eq!(parse_count("3"), Ok(3));
    assert!(parse_count("0").is_err() && parse_count("10001").is_err());
    assert!(check_param_key("seed").unwrap_err().contains("--seed"));
    assert!(parse_file_name("hero.jpg").is_ok());
    for (bad, why) in [
        ("a\0b.jpg", "NUL"),
        ("../x.jpg", "plain"),
        (".hidden.jpg", "plain"),
        ("x.gif", ".jpg"),
    ] {
        assert!(parse_file_name(bad).unwrap_err().contains(why), "{bad}");
    }
    let long = format!("{}.jpg", "a".repeat(300));
    assert!(parse_file_name(&long).unwrap_err().contains("at most 255"));
}

#[test]
fn field_names_come_from_serde() {
    #[derive(Deserialize)]
    #[expect(dead_code, reason = "only the field names are read")]
    struct S {
        alpha: u8,
        #[serde(rename = "beta_gamma")]
        beta: String,
    }
    assert_eq!(field_names::<S>(), ["alpha", "beta_gamma"]);
}
