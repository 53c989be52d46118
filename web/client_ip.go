package web

import (
	"lendgraph/otp"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP puts the caller's address in the request's context for the limits that count by it
// (OTP rules by IP mask). The address is the peer's, or, when the peer is a trusted proxy
// (TRUSTED_PROXIES), the last X-Forwarded-For hop that is not one: a caller cannot choose it by
// sending the header itself.
func (s *Server) clientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip, ok := s.callerAddr(r); ok {
			r = r.WithContext(otp.WithClientIP(r.Context(), ip))
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) callerAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	ip = ip.Unmap().WithZone("")
	if !s.trusted(ip) {
		return ip, true
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		ip = hop.Unmap().WithZone("")
		if !s.trusted(ip) {
			break
		}
	}
	return ip, true
}

func (s *Server) trusted(ip netip.Addr) bool {
	for _, p := range s.Config.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
