//! The GraphQL schema: queries are public, mutations check the caller's role first.
//!
//! Paging: every list field returns a plain list (so `{ attractions { id name status } }`
//! stays the simple query the gateway sends) and takes `first` (page size) and `after` (the
//! opaque `cursor` of the last attraction already seen). Lists are ordered by id, so one
//! attraction's cursor means the same place in every list.

use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, Object, Schema};
use cityflow_auth::Role;

use crate::attraction::Attraction;
use crate::auth::Caller;
use crate::cursor;
use crate::errors::{bad_input, coded, ErrorCodes, INTERNAL, NOT_FOUND, UNAVAILABLE};
use crate::input::{validate_zone, AttractionInput};
use crate::store::{AttractionStore, Page, Selection, StoreError};
use crate::vocab::{AttractionStatus, AttractionType};

pub const DEFAULT_PAGE: i32 = 50;
pub const MAX_PAGE: i32 = 100;
/// Exactly deep enough for the standard introspection query: graphql-core/graphql-js nest
/// `ofType` nine levels under `__schema { types { fields { args { type`, depth 15. Our own
/// types are at most three levels deep, so anything deeper is an abusive introspection.
pub const MAX_DEPTH: usize = 15;
/// A list field costs `first × (its selection)`: a full page of every field costs
/// 100 × 11 + 1 = 1101, so two full lists fit, a dozen aliased ones do not.
pub const MAX_COMPLEXITY: usize = 2500;

pub type TourismSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema over a store. The caller (a [`Caller`]) is per-request data.
pub fn build(store: Arc<dyn AttractionStore>) -> TourismSchema {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .data(store)
        .extension(ErrorCodes)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .finish()
}

/// The schema's SDL, as committed in `components/tourism/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .finish()
        .sdl()
}

/// Cost of a list field for the complexity limit (computed before `first` is validated).
fn list_cost(first: i32, child_complexity: usize) -> usize {
    first.clamp(1, MAX_PAGE) as usize * child_complexity
}

pub struct QueryRoot;

#[Object(name = "Query")]
impl QueryRoot {
    /// All attractions, ordered by id.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attractions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, desc = "Page size, 1 to 100.")] first: i32,
        #[graphql(desc = "Cursor of the last attraction already seen.")] after: Option<String>,
    ) -> async_graphql::Result<Vec<Attraction>> {
        list(ctx, &Selection::All, first, after)
    }

    /// One attraction, or null when there is none with this id.
    async fn attraction(
        &self,
        ctx: &Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Attraction>> {
        store(ctx)?.get(id).map_err(store_error)
    }

    /// Attractions of one type, ordered by id.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attractions_by_type(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] kind: AttractionType,
        #[graphql(default = 50, desc = "Page size, 1 to 100.")] first: i32,
        #[graphql(desc = "Cursor of the last attraction already seen.")] after: Option<String>,
    ) -> async_graphql::Result<Vec<Attraction>> {
        list(ctx, &Selection::OfType(kind), first, after)
    }

    /// Attractions in one zone (e.g. `paris-07`), ordered by id. An unknown zone has none.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attractions_by_zone(
        &self,
        ctx: &Context<'_>,
        zone: String,
        #[graphql(default = 50, desc = "Page size, 1 to 100.")] first: i32,
        #[graphql(desc = "Cursor of the last attraction already seen.")] after: Option<String>,
    ) -> async_graphql::Result<Vec<Attraction>> {
        let zone = validate_zone(&zone)?;
        list(ctx, &Selection::InZone(zone), first, after)
    }
}

pub struct MutationRoot;

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Adds an attraction. Needs an operator token.
    async fn create_attraction(
        &self,
        ctx: &Context<'_>,
        input: AttractionInput,
    ) -> async_graphql::Result<Attraction> {
        caller(ctx)?.require(Role::Operator)?;
        let new = input.validate()?;
        store(ctx)?.insert(&new).map_err(store_error)
    }

    /// Changes whether an attraction is open. Needs an operator token.
    async fn update_attraction_status(
        &self,
        ctx: &Context<'_>,
        id: i32,
        status: AttractionStatus,
    ) -> async_graphql::Result<Attraction> {
        caller(ctx)?.require(Role::Operator)?;
        store(ctx)?
            .set_status(id, status)
            .map_err(store_error)?
            .ok_or_else(|| not_found(id))
    }

    /// Removes an attraction; true when it was removed. Needs an admin token.
    async fn delete_attraction(&self, ctx: &Context<'_>, id: i32) -> async_graphql::Result<bool> {
        caller(ctx)?.require(Role::Admin)?;
        if store(ctx)?.delete(id).map_err(store_error)? {
            Ok(true)
        } else {
            Err(not_found(id))
        }
    }
}

fn list(
    ctx: &Context<'_>,
    selection: &Selection,
    first: i32,
    after: Option<String>,
) -> async_graphql::Result<Vec<Attraction>> {
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(bad_input(
            "first",
            format!("first must be between 1 and {MAX_PAGE}"),
        ));
    }
    let after_id = match after {
        None => None,
        Some(token) => Some(cursor::decode(&token).ok_or_else(|| {
            bad_input(
                "after",
                "after must be the cursor of an attraction from this service",
            )
        })?),
    };
    let page = Page {
        after_id,
        limit: first as u32,
    };
    store(ctx)?.list(selection, page).map_err(store_error)
}

fn store<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<dyn AttractionStore>> {
    ctx.data::<Arc<dyn AttractionStore>>()
        .map_err(|_| coded(INTERNAL, "internal error: no attraction store"))
}

fn caller<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Caller> {
    ctx.data::<Caller>()
        .map_err(|_| coded(INTERNAL, "internal error: no caller for this request"))
}

fn not_found(id: i32) -> async_graphql::Error {
    coded(NOT_FOUND, format!("attraction {id} not found"))
}

fn store_error(err: StoreError) -> async_graphql::Error {
    match err {
        StoreError::Unavailable(detail) => {
            eprintln!("tourism: store unavailable: {detail}");
            coded(
                UNAVAILABLE,
                "the tourism database is unavailable; try again later",
            )
        }
        StoreError::UnknownZone(zone) => bad_input(
            "zone",
            format!("{zone} is not a zone of the city (zones are paris-01 to paris-20)"),
        ),
        StoreError::Rejected(detail) => {
            eprintln!("tourism: store rejected the data: {detail}");
            coded(
                crate::errors::BAD_USER_INPUT,
                "the attraction was refused by the database",
            )
        }
        StoreError::Internal(detail) => {
            eprintln!("tourism: store failure: {detail}");
            coded(INTERNAL, "internal error while accessing attractions")
        }
    }
}
