/** kstream's library API. */
export {KstreamError} from './output/errors.js';
