//! Accounts: who signs in, and what their role lets them do.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an account may do. Staff write records; the PCC also decides and
/// publishes; an admin also manages accounts and reads the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Pcc,
    Admin,
}

/// A thing a role may be allowed to do; checked on the server for every
/// staff route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Write and edit records, actions and documents.
    Write,
    /// Record decisions, publish, correct and withdraw.
    Decide,
    /// Manage accounts and read the audit log.
    Administer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Staff, Role::Pcc, Role::Admin];

    /// The value stored in the database and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Pcc => "pcc",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Staff => "OPCC staff",
            Role::Pcc => "Police and Crime Commissioner",
            Role::Admin => "Administrator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether this role may do `permission`.
    pub fn may(self, permission: Permission) -> bool {
        match permission {
            Permission::Write => true,
            Permission::Decide => self == Role::Pcc,
            Permission::Administer => self == Role::Admin,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An email address as accounts hold it: trimmed, lower case, one `@` with
/// text either side, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Email, &'static str> {
        let email = text.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
        if valid {
            Ok(Email(email))
        } else {
            Err("Enter an email address like name@example.org")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Fewest characters in a password.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters in a password (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks a new password against the policy.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password must be at least {MIN_PASSWORD_CHARS} characters long"
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!(
            "The password must be at most {MAX_PASSWORD_CHARS} characters long"
        ));
    }
    if password.contains('\0') {
        return Err("The password must not contain a NUL character".to_owned());
    }
    Ok(())
}

/// A random one-time password for a new or reset account: 20 characters
/// from an alphabet without look-alikes.
pub fn one_time_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_pcc_decides_and_only_an_admin_administers() {
        assert!(Role::Staff.may(Permission::Write));
        assert!(!Role::Staff.may(Permission::Decide));
        assert!(Role::Pcc.may(Permission::Decide));
        assert!(!Role::Pcc.may(Permission::Administer));
        assert!(Role::Admin.may(Permission::Administer));
        assert!(!Role::Admin.may(Permission::Decide));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Jo.Bloggs@Cleveland.PCC.police.uk ").map(|e| e.0),
            Ok("jo.bloggs@cleveland.pcc.police.uk".into())
        );
        for bad in ["", "jo", "@x", "jo@", "jo@@x", "jo bloggs@x", "a@b\u{0}"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("twelve chars").is_ok());
        assert!(check_new_password(&"x".repeat(2000)).is_err());
        assert_eq!(one_time_password().len(), 20);
        assert_ne!(one_time_password(), one_time_password());
    }
}
