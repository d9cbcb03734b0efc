//! Reading Segmind's request history (spec: "Account, storage and history endpoints"): one
//! record by id, and the paged list by date window and model. The key goes to the history
//! origin only because it is Segmind's own (with `--base-url`, the base URL itself).

use crate::error::{Error, Result};
use segflux_api::request_history::{self, HistoryPage, HistoryRecord};

use super::{Call, Client};

/// A filter of the paged list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// 1-based page.
    pub page: u64,
    /// Records per page (the API allows up to 100).
    pub per_page: u64,
    /// First UTC day, `YYYY-MM-DD`.
    pub from_date: String,
    /// Last UTC day, `YYYY-MM-DD` (at most 31 days after `from_date`).
    pub to_date: String,
    /// Only this model's requests.
    pub model_name: Option<String>,
}

impl Client {
    /// The request-history origin: Segmind's own for the default API, else the base URL.
    fn history_url(&self, path_and_query: &str) -> String {
        if self.base == segflux_api::DEFAULT_BASE_URL {
            format!("{}{path_and_query}", request_history::HISTORY_ORIGIN)
        } else {
            self.url(path_and_query)
        }
    }

    /// One past request of any age; `None` when the history has no such request (404).
    pub async fn history_record(&self, request_id: &str) -> Result<Option<HistoryRecord>> {
        let url = self.history_url(&request_history::record_path(request_id));
        let bytes = match self
            .send(Call::RequestHistory, &url, || self.api.get(&url))
            .await
        {
            Ok((_, bytes)) => bytes,
            Err(Error::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            Error::Network(format!(
                "the request-history record was not valid JSON: {e}"
            ))
        })
    }

    /// One page of past requests.
    pub async fn history_page(&self, q: &HistoryQuery) -> Result<HistoryPage> {
        let mut query = format!(
            "?page={}&per_page={}&from_date={}&to_date={}",
            q.page, q.per_page, q.from_date, q.to_date
        );
        if let Some(model) = &q.model_name {
            query.push_str("&model_name=");
            query.push_str(&encode(model));
        }
        let url = self.history_url(&format!("{}{query}", request_history::LIST_PATH));
        let (_, bytes) = self
            .send(Call::RequestHistory, &url, || self.api.get(&url))
            .await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::Network(format!("the request-history page was not valid JSON: {e}"))
        })
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    use std::fmt::Write as _;
    s.bytes().fold(String::new(), |mut out, b| {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}

/// Whether the list goes on after page `number` (`page`, its answer; `seen`, the records
/// read so far, this page's included), by the server's own figures: its `total_pages`, else
/// its `total`, else a page full at its own `per_page`; a server that says none of them is
/// read until a page comes back empty. Never by the `per_page` segflux asked for: a server
/// may serve fewer a page than asked.
pub fn more_after(page: &HistoryPage, number: u64, seen: u64) -> bool {
    if let Some(pages) = page.total_pages {
        return number < pages;
    }
    if let Some(total) = page.total {
        return seen < total && !page.data.is_empty();
    }
    match page.per_page {
        Some(per_page) => per_page > 0 && page.data.len() as u64 >= per_page,
        None => !page.data.is_empty(),
    }
}

#[cfg(test)]
mod paging_tests {
    use super::*;

    fn page(
        n: usize,
        per_page: Option<u64>,
        total: Option<u64>,
        pages: Option<u64>,
    ) -> HistoryPage {
        HistoryPage {
            data: vec![HistoryRecord::default(); n],
            page: None,
            per_page,
            total,
            total_pages: pages,
        }
    }

    #[test]
    fn paging_follows_the_servers_figures_not_the_size_asked() {
        // 20 served of the 100 asked: the list goes on while the server says so.
        assert!(more_after(&page(20, Some(20), Some(50), Some(3)), 1, 20));
        assert!(!more_after(&page(10, Some(20), Some(50), Some(3)), 3, 50));
        assert!(more_after(&page(20, Some(20), Some(50), None), 1, 20));
        assert!(!more_after(&page(10, Some(20), Some(50), None), 3, 50));
        assert!(more_after(&page(20, Some(20), None, None), 1, 20));
        assert!(!more_after(&page(19, Some(20), None, None), 1, 19));
        assert!(more_after(&page(7, None, None, None), 1, 7));
        assert!(!more_after(&page(0, None, None, None), 2, 7));
    }
}
