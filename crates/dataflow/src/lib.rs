//! Layer 3 data flows (events, places, attributes, risks) and layer 2 IoT security-safety categories.
