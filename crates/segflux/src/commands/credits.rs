//! `segflux credits`: the account's remaining credits and free credits, from
//! `GET /v1/get-user-credits` on the API origin (cli.md, "Spend").
//!
//! stdout carries the figures only: `credits $12.50, free credits $0.018`, or with `--json`
//! `{"credits": 12.5, "free_credits": 0.018}`. A figure the API leaves out is `unknown`
//! (`null`), never 0.

use serde_json::json;

use crate::domain::spend::usd;
use crate::error::Result;
use segflux_api::Credits;

use crate::job::Context;
use crate::job::connect;

/// Runs `credits`.
pub async fn run(ctx: &Context) -> Result<()> {
    let conn = connect(ctx).await?;
    let credits = conn.client.credits().await?;
    let p = &ctx.printer;
    if p.is_json() {
        p.json_line(&json!({
            "credits": credits.credits,
            "free_credits": credits.free_credits,
        }));
    } else {
        p.result(&line(&credits));
    }
    Ok(())
}

/// `credits $12.50, free credits $0.018`.
fn line(c: &Credits) -> String {
    let shown = |v: Option<f64>| v.map_or_else(|| "unknown".to_owned(), usd);
    format!(
        "credits {}, free credits {}",
        shown(c.credits),
        shown(c.free_credits)
    )
}

#[cfg(test)]
mod tests {
    use segflux_api::Credits;

    #[test]
    fn the_line_shows_dollars_and_unknown_as_unknown() {
        let c = Credits {
            credits: Some(12.5),
            free_credits: None,
        };
        assert_eq!(super::line(&c), "credits $12.50, free credits unknown");
    }
}
