import { t } from '../i18n.js';
import { word } from '../words.js';
import { fill, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { dateTime, form, problem, table } from '../ui.js';

interface Account {
  id: number;
  username: string;
  displayName: string;
  role: string;
  centerIds: number[] | null;
  disabled: boolean;
}
interface Token {
  id: number;
  name: string;
  role: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const ROLES = (['agent', 'checkin', 'admin'] as const).map((r): [string, string] => [r, word('role', r)]);
const centerList = (text: string) => (text.trim() ? text.split(',').map((x) => Number(x.trim())) : null);

/** Staff accounts (create, limit to centres, reset a password, disable) and API tokens. */
export async function peoplePage(main: HTMLElement): Promise<void> {
  const accounts = h('div');
  const tokens = h('div');
  const said = h('div', { 'aria-live': 'polite' });

  const refresh = async () => {
    const [a, tk] = await Promise.all([call<{ accounts: Account[] }>('GET', '/api/v1/admin/staff'), call<{ tokens: Token[] }>('GET', '/api/v1/admin/tokens')]);
    fill(
      accounts,
      table(
        [t('Name'), t('Benutzer'), t('Rolle'), t('Zentren'), t('Status'), t('Aktionen')],
        a.accounts.map((x) => [
          x.displayName,
          x.username,
          word('role', x.role),
          x.centerIds?.join(', ') ?? t('alle'),
          x.disabled ? t('gesperrt') : t('aktiv'),
          h(
            'div',
            { class: 'row' },
            h('button', { type: 'button', class: 'secondary', onclick: () => void reset(x) }, t('Passwort zurücksetzen')),
            h(
              'button',
              { type: 'button', class: x.disabled ? 'secondary' : 'danger', onclick: () => void toggle(x) },
              x.disabled ? t('Entsperren') : t('Sperren'),
            ),
          ),
        ]),
        t('Konten'),
      ),
    );
    fill(
      tokens,
      table(
        [t('Name'), t('Rolle'), t('Erstellt von'), t('Erstellt'), t('Zuletzt benutzt'), t('Aktion')],
        tk.tokens.map((x) => [
          x.name,
          word('role', x.role),
          x.createdBy,
          dateTime(x.createdAt),
          x.lastUsedAt ? dateTime(x.lastUsedAt) : '–',
          x.revokedAt
            ? t('widerrufen {when}', { when: dateTime(x.revokedAt) })
            : h('button', { type: 'button', class: 'danger', onclick: () => void revoke(x) }, t('Widerrufen')),
        ]),
        t('API-Tokens'),
      ),
    );
  };
  const reset = async (x: Account) => {
    try {
      const r = await call<{ password: string }>('POST', `/api/v1/admin/staff/${x.id}/password`, {});
      fill(
        said,
        notice(
          'success',
          t('Neues Passwort für {user}: ', { user: x.username }),
          h('code', {}, r.password),
          t(' (nur jetzt sichtbar; alle Sitzungen wurden beendet).'),
        ),
      );
    } catch (err) {
      fill(said, problem(err));
    }
  };
  const toggle = async (x: Account) => {
    try {
      await call('PATCH', `/api/v1/admin/staff/${x.id}`, { disabled: !x.disabled });
      await refresh();
    } catch (err) {
      fill(said, problem(err));
    }
  };
  const revoke = async (x: Token) => {
    try {
      await call('DELETE', `/api/v1/admin/tokens/${x.id}`);
      await refresh();
    } catch (err) {
      fill(said, problem(err));
    }
  };

  fill(
    main,
    h('h1', { tabindex: -1 }, t('Personal und Zugänge')),
    said,
    form(
      t('Neues Konto'),
      [
        { name: 'displayName', label: t('Name'), required: true },
        { name: 'username', label: t('Benutzername (a–z, 0–9, . _ -)'), required: true },
        { name: 'role', label: t('Rolle'), options: ROLES },
        { name: 'centerIds', label: t('Nur für Zentren (Nummern, durch Komma getrennt; leer = alle)') },
      ],
      t('Anlegen'),
      async (v) => {
        const r = await call<{ account: Account; password: string }>('POST', '/api/v1/admin/staff', {
          username: v.username,
          displayName: v.displayName,
          role: v.role,
          centerIds: centerList(v.centerIds ?? ''),
        });
        await refresh();
        return notice(
          'success',
          t('Konto {user} angelegt. Erstes Passwort: ', { user: r.account.username }),
          h('code', {}, r.password),
          t(' (nur jetzt sichtbar).'),
        );
      },
    ),
    accounts,
    form(
      t('Neues API-Token (für Automatisierung)'),
      [
        { name: 'name', label: t('Wofür'), required: true },
        { name: 'role', label: t('Rolle'), options: ROLES },
      ],
      t('Token erzeugen'),
      async (v) => {
        const r = await call<{ token: string }>('POST', '/api/v1/admin/tokens', { name: v.name, role: v.role });
        await refresh();
        return notice('success', t('Token (nur jetzt sichtbar): '), h('code', {}, r.token));
      },
    ),
    tokens,
  );
  await refresh().catch((err) => fill(accounts, problem(err)));
}
