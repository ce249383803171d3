// Gives Node a DOM (jsdom, pinned in package.json) for the UI modules that need one without a browser:
// DOMPurify, which markdown.js sanitises with, looks for `window` when it loads, so import this first.
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = window;
