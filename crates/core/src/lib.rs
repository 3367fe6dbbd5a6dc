//! Domain types and pure logic of sanso: the CPSF value-creation model, audit chain, diagram.
