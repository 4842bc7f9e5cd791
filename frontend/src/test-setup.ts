// Vitest: English is a chunk loaded on demand in the app (lib/i18n.ts); the tests switch
// languages synchronously, so every test file starts with it loaded. (lib/i18n.test.ts checks
// the loading itself on a fresh copy of the module.)
import { loadLocale } from './lib/i18n';

await loadLocale('en');
