//! `cityflow user`: account administration straight in the database, for what no HTTP caller
//! can do yet — above all creating the first admin. Hashing and validation are
//! `identity-model`'s, the same code the identity component runs, so both agree on the rules.

use std::io::{IsTerminal, Read};

use anyhow::{bail, Context, Result};
use cityflow_auth::Role;
use clap::Subcommand;
use identity_model::{check_password_policy, hash_password, normalize_email, sql};
use tokio_postgres::NoTls;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from stdin, or prompted for (without echo,
    /// twice) when stdin is a terminal; it never appears on the command line.
    Add {
        #[arg(long)]
        email: String,
        /// viewer, operator or admin.
        #[arg(long, value_parser = parse_role, default_value = "viewer")]
        role: Role,
        /// Database URL; defaults to the `db_url` variable (SPIN_VARIABLE_DB_URL or .env).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Change the role of an existing account (takes effect at its next login).
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Database URL; defaults to the `db_url` variable (SPIN_VARIABLE_DB_URL or .env).
        #[arg(long)]
        database_url: Option<String>,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
}

/// Runs `command`; `default_url` supplies the database URL when none is given.
pub async fn run(command: UserCommand, default_url: fn() -> Result<String>) -> Result<()> {
    match command {
        UserCommand::Add { email, role, database_url } => {
            let email = normalize_email(&email).map_err(|m| anyhow::anyhow!("invalid --email: {m}"))?;
            let password = read_password()?;
            check_password_policy(&password).map_err(|m| anyhow::anyhow!("password refused: {m}"))?;
            let hash = hash_password(&password)?;
            let client = connect(database_url, default_url).await?;
            let row = client
                .query_opt(sql::INSERT, &[&email, &hash, &role.as_str()])
                .await
                .context("cannot create the account")?;
            let Some(row) = row else {
                bail!("an account with email {email} already exists (change its role with `cityflow user set-role`)");
            };
            let id: i64 = row.get(0);
            println!("created {role} account {id} <{email}>");
            Ok(())
        }
        UserCommand::SetRole { email, role, database_url } => {
            let client = connect(database_url, default_url).await?;
            let row = client
                .query_opt(sql::SET_ROLE, &[&email.trim(), &role.as_str()])
                .await
                .context("cannot change the role")?;
            let Some(row) = row else {
                bail!("no account with email {}", email.trim());
            };
            let id: i64 = row.get(0);
            println!("account {id} <{}> is now {role}", row.get::<_, String>(1));
            Ok(())
        }
    }
}

async fn connect(database_url: Option<String>, default_url: fn() -> Result<String>) -> Result<tokio_postgres::Client> {
    let url = match database_url {
        Some(url) => url,
        None => default_url()?,
    };
    let (client, connection) = tokio_postgres::connect(&url, NoTls).await.context("cannot connect to the database")?;
    tokio::spawn(connection);
    Ok(client)
}

/// The password from a no-echo prompt (asked twice) on a terminal, else all of stdin minus
/// one trailing newline, so `printf '%s' "$PW" | cityflow user add ...` and `<<<` both work.
fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("cannot read the password from stdin")?;
    let password = input.strip_suffix('\n').map(|p| p.strip_suffix('\r').unwrap_or(p)).unwrap_or(&input);
    Ok(password.to_string())
}
