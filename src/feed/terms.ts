/** The terms of the open availability data, stated in the feed's manifest and in the API documentation. */
export const OPEN_DATA_TERMS =
  'Availability of appointments, published for everyone who helps people find one. Reuse it under the licence named ' +
  'here, crediting the attribution. Poll each file at most once a minute (Cache-Control says how long a copy stays ' +
  'fresh) and send If-None-Match or If-Modified-Since. A free slot is not a promise: it is decided when a person books ' +
  'it through its booking link. Do not hold, book or queue on anyone’s behalf by program. The data holds no personal data.';
