//! The exit codes of the contract (`shared/spec/cli.md`, "Exit codes") as a type, and how
//! bad each is for a batch's overall result. `error::Error::exit` maps an error onto one;
//! `main` turns it into the process's code; a batch compares them by [`Exit::severity`].

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Exit {
    /// 0: success.
    #[default]
    Success,
    /// 1: any other error.
    Other,
    /// 2: a usage error; nothing sent.
    Usage,
    /// 3: no API key, or the API answered 401 / 403.
    Auth,
    /// 4: insufficient credits (406), or the spend cap.
    Credits,
    /// 5: the job FAILED (422).
    JobFailed,
    /// 6: timed out waiting; the job may still finish.
    Timeout,
    /// 7: unknown model, or unknown / expired request (404).
    NotFound,
    /// 8: network or server error retries did not cure, or a submit whose outcome is unknown.
    Network,
    /// 9: the job COMPLETED but the download or the write failed.
    Delivery,
    /// 130 / 143 / 129: ended by SIGINT / SIGTERM / SIGHUP.
    Signal(u8),
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Other => 1,
            Self::Usage => 2,
            Self::Auth => 3,
            Self::Credits => 4,
            Self::JobFailed => 5,
            Self::Timeout => 6,
            Self::NotFound => 7,
            Self::Network => 8,
            Self::Delivery => 9,
            Self::Signal(code) => code,
        }
    }

    /// The exit a code names (an unknown code is `Other`, as the contract's "any other").
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => Self::Success,
            2 => Self::Usage,
            3 => Self::Auth,
            4 => Self::Credits,
            5 => Self::JobFailed,
            6 => Self::Timeout,
            7 => Self::NotFound,
            8 => Self::Network,
            9 => Self::Delivery,
            129 | 130 | 143 => Self::Signal(code),
            _ => Self::Other,
        }
    }

    /// How bad it is for a batch's overall result, worst highest: an interrupt, a paid image
    /// not written, a paid job still pending (timeout), an unknown submit outcome or network
    /// failure, then the failures that cost nothing more (auth, credits, FAILED, not found,
    /// other).
    pub fn severity(self) -> u8 {
        match self {
            Self::Signal(_) => 9,
            Self::Delivery => 8,
            Self::Timeout => 7,
            Self::Network => 6,
            Self::Auth => 5,
            Self::Credits => 4,
            Self::JobFailed => 3,
            Self::NotFound => 2,
            Self::Success => 0,
            Self::Usage | Self::Other => 1,
        }
    }

    /// Whether it stops a batch's further submits: no key or a refused one, no credits.
    pub fn stops_submits(self) -> bool {
        matches!(self, Self::Auth | Self::Credits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back() {
        for code in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 129, 130, 143] {
            assert_eq!(Exit::from_code(code).code(), code);
        }
        assert_eq!(Exit::from_code(42), Exit::Other);
    }
}
