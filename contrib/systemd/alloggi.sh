# /etc/profile.d/alloggi.sh: le console e i sottocomandi degli operatori trovano il servizio
# dell'ufficio invece di aprire un database proprio.
export ALLOGGI_DB=/var/lib/alloggi
export ALLOGGI_SOCKET=/run/alloggi/console.sock
