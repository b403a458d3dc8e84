/** The CLI finds its files through the Node entry's package locator. */
export { packagePath, packageRoot, packageVersion } from '../node/package-root.js';
