//! Where readers put components: a [`ComponentSink`] receives each component as soon as it is
//! parsed, so a caller that stores components (the sanso server writes them to the database in
//! batches) never needs the whole list in memory. `Vec<Component>` is the sink behind
//! [`crate::read_sbom`].

use std::collections::HashMap;

use crate::error::SbomError;
use crate::model::Component;

/// Receives components in document order (a nested component right after its parent).
pub trait ComponentSink {
    /// Takes one component; an error stops reading and is returned as [`SbomError::Sink`].
    fn accept(
        &mut self,
        component: Component,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}

impl ComponentSink for Vec<Component> {
    fn accept(
        &mut self,
        component: Component,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.push(component);
        Ok(())
    }
}

/// What a reader remembers of a component after handing it to the sink: enough to fill the
/// document metadata from the package an SPDX document describes, which may be named only after
/// the packages were read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    pub name: String,
    pub version: Option<String>,
    pub supplier: Option<String>,
}

/// Forwards components to the caller's sink, counting them and keeping the first sink error.
pub(crate) struct Emitter<'s> {
    sink: &'s mut dyn ComponentSink,
    pub count: usize,
    pub failure: Option<SbomError>,
    /// `Some` for SPDX: summaries by SPDXID.
    pub summaries: Option<HashMap<String, Summary>>,
    /// When the described elements are known before the packages, only those are summarised.
    pub summarise_only: Option<std::collections::HashSet<String>>,
}

impl<'s> Emitter<'s> {
    pub(crate) fn new(sink: &'s mut dyn ComponentSink) -> Self {
        Emitter {
            sink,
            count: 0,
            failure: None,
            summaries: None,
            summarise_only: None,
        }
    }

    /// Hands `component` to the sink; `false` when the sink refused it (the error is kept).
    pub(crate) fn emit(&mut self, component: Component, location: &str) -> bool {
        if self.failure.is_some() {
            return false;
        }
        if let (Some(summaries), Some(reference)) =
            (self.summaries.as_mut(), component.bom_ref.as_ref())
        {
            let wanted = self
                .summarise_only
                .as_ref()
                .is_none_or(|only| only.contains(reference));
            if wanted {
                summaries.insert(
                    reference.clone(),
                    Summary {
                        name: component.name.clone(),
                        version: component.version.clone(),
                        supplier: component.supplier.clone(),
                    },
                );
            }
        }
        match self.sink.accept(component) {
            Ok(()) => {
                self.count += 1;
                true
            }
            Err(source) => {
                self.failure = Some(SbomError::Sink {
                    location: location.to_string(),
                    source,
                });
                false
            }
        }
    }

    /// Emits every component of `components` (a flattened top-level component and its children).
    pub(crate) fn emit_all(&mut self, components: Vec<Component>, location: &str) -> bool {
        for component in components {
            if !self.emit(component, location) {
                return false;
            }
        }
        true
    }
}
