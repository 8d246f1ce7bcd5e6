/** The former home of the API client; everything now lives in src/api. */
export * from '../api/index.js';
