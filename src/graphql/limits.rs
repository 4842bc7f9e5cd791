//! Limits on a GraphQL document checked right after parsing, before any other check: the text's
//! size, and the number of fields it asks for once every fragment is expanded. A few hundred
//! bytes of fragments that each spread the next twice ask for millions of fields; counting them
//! with one memoised pass over the fragments costs time linear in the document, so refusing
//! such a query is cheap.
use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    ErrorExtensionValues, Name, Request, ServerError, ServerResult, Value,
};

use super::error_codes::VALIDATION_FAILED;

/// Longest document accepted (the web app's largest is under 4 KB).
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024;
/// Most fields one operation may ask for with its fragments expanded.
pub const MAX_EXPANDED_FIELDS: u64 = 5_000;

pub struct DocumentLimits;

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentLimits)
    }
}

fn refusal(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", Value::from(VALIDATION_FAILED));
    error.extensions = Some(extensions);
    error
}

#[async_trait::async_trait]
impl Extension for DocumentLimits {
    // Before async-graphql's own parse step: its recursion-depth check walks every fragment
    // spread without memoising, so a fragment bomb must be refused before it runs. The
    // document parsed here is handed on, not parsed again.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if request.query.len() > MAX_DOCUMENT_BYTES {
            return Err(refusal(format!(
                "the query is {} bytes long; at most {MAX_DOCUMENT_BYTES} are accepted",
                request.query.len()
            )));
        }
        // A document that does not parse is reported by the parse step, with its position.
        if let Ok(document) = request.parsed_query() {
            let fields = expanded_fields(document);
            if fields > MAX_EXPANDED_FIELDS {
                return Err(refusal(format!(
                    "the query asks for {fields} fields once its fragments are expanded; at \
                     most {MAX_EXPANDED_FIELDS} are accepted"
                )));
            }
        }
        next.run(ctx, request).await
    }
}

/// The most fields any operation of the document asks for, fragments expanded (a fragment that
/// spreads itself, directly or not, counts as too many).
pub fn expanded_fields(document: &ExecutableDocument) -> u64 {
    let mut sizes: HashMap<Name, Size> = HashMap::new();
    document
        .operations
        .iter()
        .map(|(_, operation)| {
            selection_size(&operation.node.selection_set.node, document, &mut sizes)
        })
        .max()
        .unwrap_or(0)
}

#[derive(Clone, Copy)]
enum Size {
    Counting,
    Known(u64),
}

fn selection_size(
    set: &SelectionSet,
    document: &ExecutableDocument,
    sizes: &mut HashMap<Name, Size>,
) -> u64 {
    let mut total: u64 = 0;
    for item in &set.items {
        let size = match &item.node {
            Selection::Field(field) => 1u64.saturating_add(selection_size(
                &field.node.selection_set.node,
                document,
                sizes,
            )),
            Selection::InlineFragment(inline) => {
                selection_size(&inline.node.selection_set.node, document, sizes)
            }
            Selection::FragmentSpread(spread) => {
                fragment_size(&spread.node.fragment_name.node, document, sizes)
            }
        };
        total = total.saturating_add(size);
    }
    total
}

fn fragment_size(
    name: &Name,
    document: &ExecutableDocument,
    sizes: &mut HashMap<Name, Size>,
) -> u64 {
    match sizes.get(name) {
        Some(Size::Known(size)) => return *size,
        Some(Size::Counting) => return u64::MAX,
        None => {}
    }
    let Some(fragment) = document.fragments.get(name) else {
        // Validation reports the unknown fragment.
        return 0;
    };
    sizes.insert(name.clone(), Size::Counting);
    let size = selection_size(&fragment.node.selection_set.node, document, sizes);
    sizes.insert(name.clone(), Size::Known(size));
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(query: &str) -> u64 {
        expanded_fields(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn counts_fields_with_fragments_expanded() {
        assert_eq!(fields("{ a b { c d } }"), 4);
        assert_eq!(
            fields("{ a ...F ...F } fragment F on Q { b c }"),
            5,
            "each spread counts"
        );
        assert_eq!(fields("{ a ... on Q { b } }"), 2);
    }

    #[test]
    fn a_fragment_bomb_is_counted_without_expanding_it() {
        let mut query = String::from("{ ...F0 }");
        for i in 0..40 {
            query.push_str(&format!(
                " fragment F{i} on Q {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        query.push_str(" fragment F40 on Q { a }");
        assert_eq!(fields(&query), 1 << 40);
    }

    #[test]
    fn a_cycle_counts_as_too_many() {
        assert_eq!(
            fields("{ ...A } fragment A on Q { ...B } fragment B on Q { ...A }"),
            u64::MAX
        );
    }
}
