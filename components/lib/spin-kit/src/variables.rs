//! Component variables (mapped from the application's in spin.toml).

/// The variable's value; the error says which variable and why, for the log.
pub fn variable(name: &str) -> Result<String, String> {
    spin_sdk::variables::get(name).map_err(|e| format!("component variable {name}: {e}"))
}

/// The variable's value, `None` when it is not set (the caller applies its default).
pub fn optional_variable(name: &str) -> Option<String> {
    spin_sdk::variables::get(name).ok()
}
