/** kstream's library API. */
export {KstreamError} from './output/errors.js';
export {startBroker} from './broker/broker.js';
export type {Broker, BrokerOptions} from './broker/broker.js';
