// Client for the blob service: written alongside services/blob.
export {};
