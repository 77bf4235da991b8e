/** Table renderings of profile views. */
import {ProfileView} from '../ops/profiles.js';
import {formatTable} from './render.js';

export function profilesTable(views: ProfileView[]): string {
  if (views.length === 0) return 'No profiles. Create one with `kstream profile create NAME -b host:port`.';
  return formatTable(
    ['CURRENT', 'NAME', 'BROKERS', 'TLS', 'SASL'],
    views.map((v) => [v.current ? '*' : '', v.name, v.brokers.join(','), v.tls ? 'yes' : 'no', v.saslMechanism ? `${v.saslMechanism} (${v.saslUsername})` : '-']),
  );
}
