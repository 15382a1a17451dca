// Client for the metadata service: written alongside services/metadata.
export {};
