// The page's libraries, served from their WebJars; the build writes in the versions (pom.xml). Imported by path,
// not through an inline import map, so the Content-Security-Policy can forbid inline scripts.
export { Marked } from './webjars/marked/${marked.version}/lib/marked.esm.js';
export { default as DOMPurify } from './webjars/dompurify/${dompurify.version}/dist/purify.es.mjs';
